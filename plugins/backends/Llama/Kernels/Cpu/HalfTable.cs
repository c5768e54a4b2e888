namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Every f16 bit pattern as a float: a block scale costs one load (256 KB, the used part stays in cache).</summary>
internal static class HalfTable
{
    public static readonly float[] Values = Build();

    private static float[] Build()
    {
        var values = new float[65536];
        for (var i = 0; i < values.Length; i++)
            values[i] = (float)BitConverter.UInt16BitsToHalf((ushort)i);
        return values;
    }
}
