namespace Dynamo.Backends.Llama.Kernels;

internal sealed class HostKvStorage(long length) : IKvStorage
{
    public float[] Keys { get; } = new float[length];

    public float[] Values { get; } = new float[length];
}
