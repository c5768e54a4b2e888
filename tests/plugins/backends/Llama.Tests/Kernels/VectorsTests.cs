using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>The element-wise kernels against plain loops, at lengths that exercise every vector width and the scalar tails.</summary>
public sealed class VectorsTests
{
    private readonly Random _random = new(5);

    private float[] RandomFloats(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 2 - 1) * scale).ToArray();

    public static TheoryData<int> Lengths => new() { 1, 7, 8, 15, 16, 31, 33, 100, 288 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotAddAndScaleMatchPlainLoops(int n)
    {
        var (a, b, w) = (RandomFloats(n), RandomFloats(n), RandomFloats(n));
        Tolerance.AssertClose([a.Zip(b, (x, y) => (double)x * y).Sum()], [Vectors.Dot(a, b)], 1e-5);

        var sum = (float[])a.Clone();
        Vectors.Add(sum, b);
        Tolerance.AssertClose(a.Select((x, i) => (double)x + b[i]).ToArray(), sum, 1e-6);

        var scaled = new float[n];
        Vectors.ScaleBy(a, 0.37f, w, scaled);
        Tolerance.AssertClose(a.Select((x, i) => (double)x * 0.37 * w[i]).ToArray(), scaled, 1e-6);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxAndSwiGluMatchPlainLoops(int n)
    {
        var logits = RandomFloats(n, 20f);
        var expected = logits.Select(v => Math.Exp(v - logits.Max())).ToArray();
        var softmax = (float[])logits.Clone();
        Vectors.Softmax(softmax);
        Tolerance.AssertClose(expected.Select(e => e / expected.Sum()).ToArray(), softmax, 1e-5);

        var (gate, up) = (RandomFloats(n, 8f), RandomFloats(n));
        var silu = gate.Select((g, i) => g / (1 + Math.Exp(-(double)g)) * up[i]).ToArray();
        Vectors.SwiGlu(gate, up);
        Tolerance.AssertClose(silu, gate, 1e-5);
    }

    [Fact]
    public void ExpIsWithinFourUlpsAcrossTheFloatRangeAndSaturatesOutsideIt()
    {
        var inputs = Enumerable.Range(0, 4000).Select(i => -87f + i * (175f / 4000)).Concat([0f, -1e-8f, 1e-8f]).ToArray();
        for (var i = 0; i + 8 <= inputs.Length; i += 8)
        {
            var result = Vectors.Exp(Vector256.Create(inputs.AsSpan(i, 8)));
            for (var lane = 0; lane < 8; lane++)
            {
                var expected = Math.Exp(inputs[i + lane]);
                Assert.True(Math.Abs(result.GetElement(lane) - expected) <= 4e-7 * expected, $"e^{inputs[i + lane]}: expected {expected}, got {result.GetElement(lane)}");
            }
        }
        var edges = Vectors.Exp(Vector256.Create(-200f, -88f, 89f, 500f, float.NegativeInfinity, float.PositiveInfinity, 1f, 2f));
        Assert.Equal([0f, 0f, float.PositiveInfinity, float.PositiveInfinity, 0f, float.PositiveInfinity], new[] { edges[0], edges[1], edges[2], edges[3], edges[4], edges[5] });
    }

    [Fact]
    public void EveryHalfConvertsExactly()
    {
        var halves = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var values = new float[halves.Length];

        Vectors.HalfToFloat(halves, values);

        for (var i = 0; i < halves.Length; i++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf(halves[i]);
            Assert.True(float.IsNaN(expected) ? float.IsNaN(values[i]) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(values[i]),
                $"0x{i:X4}: expected {expected}, got {values[i]}");
        }
    }

    [Fact]
    public void IndexOfMaxFindsTheFirstLargest()
    {
        foreach (var n in new[] { 1, 5, 8, 9, 64, 32000 })
        {
            var x = RandomFloats(n);
            Assert.Equal(Array.IndexOf(x, x.Max()), Vectors.IndexOfMax(x));
        }
        Assert.Equal(3, Vectors.IndexOfMax([1f, 2f, 0f, 5f, 5f, 1f, 1f, 1f, 1f, 5f]));
        Assert.Equal(2, Vectors.IndexOfMax([float.NegativeInfinity, float.NegativeInfinity, -1f, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity]));
        Assert.Equal(4, Vectors.IndexOfMax([1f, 2f, 3f, 4f, float.NaN, 9f, 1f, 1f, 1f]));
    }
}
