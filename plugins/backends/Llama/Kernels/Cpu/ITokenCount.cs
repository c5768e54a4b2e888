namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// How many tokens an interleaved kernel takes per pass over the weights, as a type so the JIT
/// compiles the one-token and two-token loops apart from one source.
/// </summary>
internal interface ITokenCount
{
    static abstract bool Two { get; }
}
