namespace Dynamo.Backends.Llama.Kernels;

/// <summary>K and V of a block pool, laid out [block][layer][slot][kv dim], on the device of the forward pass that made it.</summary>
internal interface IKvStorage
{
    /// <summary>Copies <paramref name="keys"/>.Length floats of K and of V starting at <paramref name="start"/> out to the host.</summary>
    void Read(long start, Span<float> keys, Span<float> values);

    /// <summary>Copies K and V from the host into the storage at <paramref name="start"/>.</summary>
    void Write(long start, ReadOnlySpan<float> keys, ReadOnlySpan<float> values);
}
