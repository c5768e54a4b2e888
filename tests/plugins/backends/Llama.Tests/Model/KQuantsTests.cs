using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Tests.Model;

/// <summary>
/// K-quant decoding against blocks packed here element by element from random quantized values,
/// with the expected value of every element computed from the format's formula.
/// </summary>
public sealed class KQuantsTests
{
    private readonly Random _random = new(99);

    [Fact]
    public void Q4KDecodesEveryElement()
    {
        var d = (Half)0.021f;
        var dmin = (Half)0.0133f;
        var scale = Enumerable.Range(0, 8).Select(_ => _random.Next(64)).ToArray();
        var min = Enumerable.Range(0, 8).Select(_ => _random.Next(64)).ToArray();
        var q = Enumerable.Range(0, 256).Select(_ => _random.Next(16)).ToArray();
        var block = new byte[144];
        BitConverter.TryWriteBytes(block.AsSpan(0), d);
        BitConverter.TryWriteBytes(block.AsSpan(2), dmin);
        var scales = block.AsSpan(4, 12);
        for (var j = 0; j < 8; j++)
        {
            if (j < 4)
            {
                scales[j] |= (byte)scale[j];
                scales[j + 4] |= (byte)min[j];
            }
            else
            {
                scales[j + 4] = (byte)((scale[j] & 15) | ((min[j] & 15) << 4));
                scales[j - 4] |= (byte)((scale[j] >> 4) << 6);
                scales[j] |= (byte)((min[j] >> 4) << 6);
            }
        }
        for (var e = 0; e < 256; e++)
        {
            var j = e / 32;
            var at = 16 + 32 * (j / 2) + e % 32;
            block[at] |= (byte)(j % 2 == 0 ? q[e] : q[e] << 4);
        }

        var values = new float[256];
        KQuants.DecodeQ4K(block, values);

        for (var e = 0; e < 256; e++)
            Assert.Equal((float)d * scale[e / 32] * q[e] - (float)dmin * min[e / 32], values[e], 5);
    }

    [Fact]
    public void Q6KDecodesEveryElement()
    {
        var d = (Half)0.0071f;
        var scale = Enumerable.Range(0, 16).Select(_ => (sbyte)_random.Next(-128, 128)).ToArray();
        var q = Enumerable.Range(0, 256).Select(_ => _random.Next(64)).ToArray();
        var block = new byte[210];
        for (var s = 0; s < 16; s++)
            block[192 + s] = (byte)scale[s];
        BitConverter.TryWriteBytes(block.AsSpan(208), d);
        var scaleOf = new int[256];
        for (var e = 0; e < 256; e++)
        {
            int half = e / 128, run = e % 128 / 32, i = e % 32;
            var low = 64 * half + (run % 2 == 0 ? i : 32 + i);
            block[low] |= (byte)(run < 2 ? q[e] & 15 : (q[e] & 15) << 4);
            block[128 + 32 * half + i] |= (byte)((q[e] >> 4) << (2 * run));
            scaleOf[e] = 8 * half + i / 16 + 2 * run;
        }

        var values = new float[256];
        KQuants.DecodeQ6K(block, values);

        for (var e = 0; e < 256; e++)
            Assert.Equal((float)d * scale[scaleOf[e]] * (q[e] - 32), values[e], 5);
    }
}
