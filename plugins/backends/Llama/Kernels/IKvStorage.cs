namespace Dynamo.Backends.Llama.Kernels;

/// <summary>K and V of a block pool, laid out [block][layer][slot][kv dim], on the device of the forward pass that made it.</summary>
internal interface IKvStorage;
