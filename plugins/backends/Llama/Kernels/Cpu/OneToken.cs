namespace Dynamo.Backends.Llama.Kernels.Cpu;

internal readonly struct OneToken : ITokenCount
{
    public static bool Two => false;
}
