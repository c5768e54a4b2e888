using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Gpu;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;
using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>
/// Each ILGPU kernel on ILGPU's CPU emulator against a plain double-precision loop on random
/// inputs. Bounds are relative to the largest expected value: 1e-5 where the kernel computes in
/// float32 on exact inputs; the quantized formats are compared with the values they decode to.
/// </summary>
public sealed class GpuKernelsTests(EmulatedGpu gpu) : IClassFixture<EmulatedGpu>
{
    private const double Bound = 1e-5;
    private readonly Random _random = new(4321);
    private Accelerator Accelerator => gpu.Device.Accelerator;

    private float[] RandomVector(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 2 - 1) * scale).ToArray();

    private ArrayView<T> Upload<T>(T[] values) where T : unmanaged => Accelerator.Allocate1D(values).View;

    private static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double bound = Bound)
    {
        Assert.Equal(expected.Count, actual.Length);
        Tolerance.AssertClose(expected, actual, bound);
    }

    private static float[] Read(ArrayView<float> view, long length)
    {
        var values = new float[length];
        view.SubView(0, length).CopyToCPU(values);
        return values;
    }

    [Theory]
    [InlineData("F32", 1, 37, 64)]
    [InlineData("F32", 7, 33, 96)]    // token tiles of four and a remainder; rows not a multiple of the group
    [InlineData("F16", 5, 40, 64)]
    [InlineData("Q8_0", 6, 35, 128)]
    [InlineData("Q4_0", 2, 9, 64)]    // held as F16 on the device
    [InlineData("BF16", 3, 17, 64)]
    public void MatMulOfEveryStorageFormatWithBiasAndAccumulation(string typeName, int tokens, int rows, int cols)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        var (data, stored) = GgmlEncoder.Encode(RandomVector(rows * cols), type);
        // Two stacked parts, as the QKV product stacks three.
        var top = WeightMatrix.Create(type, data.AsSpan(0, data.Length / rows * (rows / 2)), rows / 2, cols);
        var bottom = WeightMatrix.Create(type, data.AsSpan(data.Length / rows * (rows / 2)), rows - rows / 2, cols);
        using var matrix = new GpuMatrix(Accelerator, top, bottom);
        var x = RandomVector(tokens * cols);
        var bias = RandomVector(rows);
        var before = RandomVector(tokens * rows);
        // F16 storage rounds the decoded weights of the other types once more.
        var exact = type is GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0;
        var weights = exact ? stored : stored.Select(v => (float)(System.Half)v).ToArray();
        double Dot(int t, int r) => Enumerable.Range(0, cols).Sum(c => (double)weights[r * cols + c] * x[t * cols + c]);

        var y = Upload(before.ToArray());
        gpu.Kernels.MatMul(matrix, Upload(x), y, tokens, Upload(bias), accumulate: true);
        AssertClose(Enumerable.Range(0, tokens * rows).Select(i => before[i] + Dot(i / rows, i % rows) + bias[i % rows]).ToArray(), Read(y, tokens * rows));

        gpu.Kernels.MatMul(matrix, Upload(x), y, tokens, default, accumulate: false);
        AssertClose(Enumerable.Range(0, tokens * rows).Select(i => Dot(i / rows, i % rows)).ToArray(), Read(y, tokens * rows));
    }

    [Fact]
    public void RmsNormOverPlainRowsAndOverHeadsInsideFusedRows()
    {
        const int tokens = 3, heads = 4, headDim = 16, stride = 100, offset = 8;
        var x = RandomVector(tokens * stride, 3f);
        var weight = RandomVector(headDim);
        var view = Upload(x.ToArray());
        gpu.Kernels.RmsNorm(view, view, Upload(weight), tokens * heads, new RowLayout { N = headDim, RowsPerToken = heads, TokenStride = stride, Offset = offset, Eps = 1e-5f });

        var expected = x.Select(v => (double)v).ToArray();
        for (var t = 0; t < tokens; t++)
            for (var h = 0; h < heads; h++)
            {
                var start = t * stride + offset + h * headDim;
                var rms = Math.Sqrt(Enumerable.Range(0, headDim).Sum(i => (double)x[start + i] * x[start + i]) / headDim + 1e-5);
                for (var i = 0; i < headDim; i++)
                    expected[start + i] = x[start + i] / rms * weight[i];
            }
        AssertClose(expected, Read(view, x.Length));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RopeRotatesEveryHeadInBothPairings(bool halfSplit)
    {
        const int tokens = 3, heads = 5, headDim = 8, pairs = 3, stride = heads * headDim + 4; // a partial rotary dimension
        var qkv = RandomVector(tokens * stride);
        var angles = Enumerable.Range(0, tokens * pairs).Select(_ => _random.NextDouble() * 40).ToArray();
        var cosSin = angles.SelectMany(a => new[] { (float)Math.Cos(a), (float)Math.Sin(a) }).ToArray();
        var view = Upload(qkv.ToArray());
        gpu.Kernels.Rope(view, Upload(cosSin), tokens, new RopeShape { Heads = heads, HeadDim = headDim, Pairs = pairs, Stride = stride, HalfSplit = halfSplit ? 1 : 0 });

        var expected = qkv.Select(v => (double)v).ToArray();
        for (var t = 0; t < tokens; t++)
            for (var h = 0; h < heads; h++)
                for (var i = 0; i < pairs; i++)
                {
                    var (a, b) = halfSplit ? (i, i + pairs) : (2 * i, 2 * i + 1);
                    var start = t * stride + h * headDim;
                    var angle = angles[t * pairs + i];
                    expected[start + a] = qkv[start + a] * Math.Cos(angle) - qkv[start + b] * Math.Sin(angle);
                    expected[start + b] = qkv[start + a] * Math.Sin(angle) + qkv[start + b] * Math.Cos(angle);
                }
        AssertClose(expected, Read(view, qkv.Length));
    }

    [Fact]
    public void PagedAttentionWithGroupedQueryHeadsMatchesSoftmaxAttention()
    {
        // Two sequences with scattered blocks; tokens at several positions, one past a warp width.
        const int heads = 4, kvHeads = 2, headDim = 16, blockSize = 4, layers = 2, layer = 1, blocks = 12;
        const int qDim = heads * headDim, kvDim = kvHeads * headDim, stride = qDim + 2 * kvDim;
        int[][] tableOf = [[7, 2, 9, 0, 11, 4, 5, 1, 3], [6, 10, 8]];
        (int Sequence, int Position)[] tokens = [(0, 0), (0, 33), (1, 10), (0, 5)];
        var keys = RandomVector(blocks * layers * blockSize * kvDim, 2f);
        var values = RandomVector(keys.Length);
        var qkv = RandomVector(tokens.Length * stride);
        var tables = tableOf.SelectMany(t => t).ToArray();
        var info = tokens.SelectMany(t => new[] { t.Position, t.Sequence == 0 ? 0 : tableOf[0].Length }).ToArray();
        var shape = new CacheShape { Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim, QDim = qDim, KvDim = kvDim, Stride = stride, Layer = layer, Layers = layers, BlockSize = blockSize, Scale = 0.25f };
        var output = Upload(new float[tokens.Length * qDim]);
        gpu.Kernels.Attention(Upload(qkv), Upload(keys), Upload(values), Upload(info), Upload(tables), output, tokens.Length, shape);

        var expected = new double[tokens.Length * qDim];
        for (var t = 0; t < tokens.Length; t++)
        {
            var (sequence, position) = tokens[t];
            long Slot(int p) => ((tableOf[sequence][p / blockSize] * layers + layer) * blockSize + p % blockSize) * kvDim;
            for (var h = 0; h < heads; h++)
            {
                var kv = h / (heads / kvHeads) * headDim;
                var scores = Enumerable.Range(0, position + 1)
                    .Select(p => Enumerable.Range(0, headDim).Sum(d => (double)qkv[t * stride + h * headDim + d] * keys[Slot(p) + kv + d]) * 0.25).ToArray();
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = weights.Sum();
                for (var d = 0; d < headDim; d++)
                    expected[t * qDim + h * headDim + d] = Enumerable.Range(0, position + 1).Sum(p => weights[p] / sum * values[Slot(p) + kv + d]);
            }
        }
        AssertClose(expected, Read(output, expected.Length), 1e-5);
    }

    [Fact]
    public void StoreKvWritesEachTokensKeysAndValuesIntoItsBlock()
    {
        const int kvDim = 6, qDim = 4, stride = qDim + 2 * kvDim, blockSize = 2, layers = 3, layer = 2;
        var qkv = RandomVector(3 * stride);
        int[] tables = [5, 1, 3];
        int[] info = [0, 0, 3, 0, 1, 2]; // (position, table start) per token
        var keys = Upload(new float[6 * layers * blockSize * kvDim]);
        var values = Upload(new float[6 * layers * blockSize * kvDim]);
        gpu.Kernels.StoreKv(Upload(qkv), keys, values, Upload(info), Upload(tables), 3, new CacheShape { QDim = qDim, KvDim = kvDim, Stride = stride, Layer = layer, Layers = layers, BlockSize = blockSize });

        var (k, v) = (Read(keys, keys.Length), Read(values, values.Length));
        for (var t = 0; t < 3; t++)
        {
            var (position, start) = (info[2 * t], info[2 * t + 1]);
            var at = ((tables[start + position / blockSize] * layers + layer) * blockSize + position % blockSize) * kvDim;
            for (var j = 0; j < kvDim; j++)
            {
                Assert.Equal(qkv[t * stride + qDim + j], k[at + j]);
                Assert.Equal(qkv[t * stride + qDim + kvDim + j], v[at + j]);
            }
        }
    }

    [Fact]
    public void SwiGluAndRowGather()
    {
        const int tokens = 3, ffn = 40;
        var gateUp = RandomVector(tokens * 2 * ffn, 4f);
        var output = Upload(new float[tokens * ffn]);
        gpu.Kernels.SwiGlu(Upload(gateUp), output, tokens, ffn);
        AssertClose(Enumerable.Range(0, tokens * ffn).Select(i =>
        {
            var g = (double)gateUp[i / ffn * 2 * ffn + i % ffn];
            return g / (1 + Math.Exp(-g)) * gateUp[i / ffn * 2 * ffn + ffn + i % ffn];
        }).ToArray(), Read(output, tokens * ffn));

        var source = RandomVector(5 * 8);
        var gathered = Upload(new float[2 * 8]);
        gpu.Kernels.GatherRows(Upload(source), gathered, Upload(new[] { 4, 1 }), 2, 8);
        Assert.Equal(source.Skip(32).Take(8).Concat(source.Skip(8).Take(8)), Read(gathered, 16));
    }

    [Fact]
    public void MaskLogitsClearsExactlyTheTokensEachRowsMaskLeavesOut()
    {
        var random = new Random(11);
        foreach (var (rows, vocab) in new[] { (1, 64), (3, 150), (2, 1000) })
        {
            var words = (vocab + 63) / 64;
            var logits = RandomVector(rows * vocab, 5f);
            var masks = Enumerable.Range(0, rows * words).Select(_ => (ulong)random.NextInt64() ^ (random.Next(3) == 0 ? ulong.MaxValue : 0)).ToArray();
            var view = Upload(logits);
            gpu.Kernels.MaskLogits(view, Upload(masks), rows, vocab);
            var expected = logits.Select((l, i) => (masks[i / vocab * words + i % vocab / 64] >> (i % vocab % 64) & 1) != 0 ? l : float.NegativeInfinity);
            Assert.Equal(expected, Read(view, rows * vocab));
        }
    }
}
