using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>Each CPU kernel against a plain double-precision loop on random inputs (relative error, float32 bound).</summary>
public sealed class CpuKernelsTests
{
    private const double Bound = 1e-5;
    private readonly Random _random = new(1234);

    private float[] RandomVector(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 2 - 1) * scale).ToArray();

    private static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double bound = Bound) =>
        Tolerance.AssertClose(expected, actual, bound);

    [Theory]
    [InlineData(1, 7, 13)]      // one token, serial path, odd sizes
    [InlineData(1, 300, 257)]   // rows split across threads, a partial last share
    [InlineData(5, 130, 33)]    // a batch of tokens, no 16-wide vectors
    [InlineData(6, 40, 64)]     // four-by-four register tiles and a remainder of tokens
    [InlineData(37, 130, 64)]   // prefill-sized: packed inputs, eight rows by thirty-two tokens (the last pair padded), and the last rows
    [InlineData(40, 9, 4096)]   // long rows: the packed inputs run in several passes
    public void MatMulWithBias(int tokens, int rows, int cols)
    {
        var w = RandomVector(rows * cols);
        var x = Inputs(RandomVector(tokens * cols));
        var bias = RandomVector(rows);
        var expected = Enumerable.Range(0, tokens * rows)
            .Select(i => Enumerable.Range(0, cols).Sum(c => (double)w[i % rows * cols + c] * x.Values[i / rows * cols + c]) + bias[i % rows]).ToArray();

        foreach (var threads in Threads())
        {
            var y = new float[tokens * rows];
            new CpuMatMul(threads, CpuPaths.Best).Multiply(WeightMatrix.FromFloats(w, rows, cols), x, y, tokens, bias);
            AssertClose(expected, y);
        }
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void MatMulOnPackedRowsEqualsTheDecodedMatrix(string typeName)
    {
        foreach (var tokens in new[] { 3, 21 }) // rows decoded one at a time, and once per block for tiles
        {
            const int rows = 70, cols = 96;
            var (data, stored) = GgmlEncoder.Encode(RandomVector(rows * cols), Enum.Parse<GgmlType>(typeName));
            var x = Inputs(RandomVector(tokens * cols));
            var y = new float[tokens * rows];

            new CpuMatMul(CpuThreads.Shared, CpuPaths.Best).Multiply(WeightMatrix.Create(Enum.Parse<GgmlType>(typeName), data, rows, cols), x, y, tokens);

            var expected = Enumerable.Range(0, tokens * rows)
                .Select(i => Enumerable.Range(0, cols).Sum(c => (double)stored[i % rows * cols + c] * x.Values[i / rows * cols + c])).ToArray();
            AssertClose(expected, y);
        }
    }

    /// <summary>The shared threads, and a private set of three (more parts than this machine's cores, uneven shares).</summary>
    internal static IEnumerable<CpuThreads> Threads()
    {
        yield return CpuThreads.Shared;
        using var three = new CpuThreads(3);
        yield return three;
    }

    internal static InputRows Inputs(float[] values)
    {
        var rows = new InputRows(values.Length);
        values.CopyTo(rows.Values, 0);
        rows.Changed();
        return rows;
    }

    [Fact]
    public void RmsNorm()
    {
        var x = RandomVector(100, 3f);
        var weight = RandomVector(100);
        var y = new float[100];

        CpuKernels.RmsNorm(x, weight, 1e-5f, y);

        var rms = Math.Sqrt(x.Sum(v => (double)v * v) / x.Length + 1e-5);
        AssertClose(x.Select((v, i) => v / rms * weight[i]).ToArray(), y);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RopeRotatesPairsOfEachHead(bool halfSplit)
    {
        const int heads = 3, headDim = 16, ropeDim = 12, pos = 37;
        var x = RandomVector(heads * headDim);
        var expected = x.Select(v => (double)v).ToArray();
        for (var h = 0; h < heads; h++)
            for (var i = 0; i < ropeDim / 2; i++)
            {
                var angle = pos * Math.Pow(10000.0, -2.0 * i / ropeDim);
                var (a, b) = halfSplit ? (h * headDim + i, h * headDim + i + ropeDim / 2) : (h * headDim + 2 * i, h * headDim + 2 * i + 1);
                expected[a] = x[a] * Math.Cos(angle) - x[b] * Math.Sin(angle);
                expected[b] = x[a] * Math.Sin(angle) + x[b] * Math.Cos(angle);
            }

        float[] cos = new float[ropeDim / 2], sin = new float[ropeDim / 2];
        CpuKernels.RopeAngles(CpuKernels.RopeInverseFrequencies(ropeDim, 10000f), pos, cos, sin);
        CpuKernels.Rope(x, heads, headDim, cos, sin, halfSplit);

        AssertClose(expected, x, 1e-4); // angles up to 37 rad in float32
    }

    [Fact]
    public void SoftmaxAndSwiGlu()
    {
        var logits = RandomVector(50, 10f);
        var expectedSoftmax = logits.Select(v => Math.Exp(v - logits.Max())).ToArray();
        var total = expectedSoftmax.Sum();
        var softmax = (float[])logits.Clone();
        Vectors.Softmax(softmax);
        AssertClose(expectedSoftmax.Select(v => v / total).ToArray(), softmax);

        var gate = RandomVector(40, 4f);
        var up = RandomVector(40);
        var expected = gate.Select((g, i) => g / (1 + Math.Exp(-(double)g)) * up[i]).ToArray();
        Vectors.SwiGlu(gate, up);
        AssertClose(expected, gate);
    }
}
