namespace Dynamo.Backends.Llama.Kernels;

internal sealed class HostKvStorage(long length) : IKvStorage
{
    public float[] Keys { get; } = new float[length];

    public float[] Values { get; } = new float[length];

    public void Read(long start, Span<float> keys, Span<float> values)
    {
        Keys.AsSpan(checked((int)start), keys.Length).CopyTo(keys);
        Values.AsSpan(checked((int)start), values.Length).CopyTo(values);
    }

    public void Write(long start, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        keys.CopyTo(Keys.AsSpan(checked((int)start)));
        values.CopyTo(Values.AsSpan(checked((int)start)));
    }
}
