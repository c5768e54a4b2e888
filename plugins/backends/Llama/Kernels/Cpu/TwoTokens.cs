namespace Dynamo.Backends.Llama.Kernels.Cpu;

internal readonly struct TwoTokens : ITokenCount
{
    public static bool Two => true;
}
