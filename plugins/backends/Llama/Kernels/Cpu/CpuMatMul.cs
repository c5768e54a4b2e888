using System.Runtime.CompilerServices;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// y[t, r] = w[r, :] · x[t, :] (+ bias[r]) for a batch of input rows, split by rows across the
/// fixed CPU threads (static partitioning). Quantized weights meet 8-bit inputs in integer dot
/// products; matrices held eight rows interleaved (Q8_0, Q4_K, Q6_K in eights) do so at every
/// batch size (bench/KernelBench: 1.1–2.6× the float path at 128 tokens). Others do so for
/// decode-sized batches; in larger ones (prefill) their rows are decoded into a cached buffer and
/// run, like F32 rows, as register tiles of rows times tokens, which beat their row-at-a-time
/// integer kernels from about 8 tokens.
/// </summary>
/// <param name="quantizeInputs">False decodes quantized rows to meet float inputs instead (the GPU pass's arithmetic, for comparisons).</param>
internal sealed class CpuMatMul(CpuThreads threads, CpuPath path, bool quantizeInputs = true) : ParallelWork
{
    // Below this many multiply-adds a product runs on the calling thread: waking workers costs more.
    private const long ParallelThreshold = 1 << 15;

    // From this many tokens on, quantized rows in ggml's layout are decoded per block for the float
    // tiles (the measured crossover); interleaved rows stay integer at every size (faster there too).
    private const int FloatTilesFromTokens = 8;

    // Row ranges start on multiples of this, so the tiles of rows stay whole and threads write apart.
    private const int RowAlignment = 16;

    // Products that share an input (Q, K and V; gate and up) run as one parallel call.
    private const int MaxProducts = 4;

    // Kernels by type, interleaved ones after the 32 types.
    private readonly QuantKernel?[] _kernels = new QuantKernel?[64];
    private readonly Product[] _products = new Product[MaxProducts];
    private readonly QuantKernel?[] _productKernels = new QuantKernel?[MaxProducts];
    private int _count;
    private QuantizedRows? _quantized;
    private float[] _x = [];
    private float[] _packedInputs = [];
    private bool _packed;
    private int _tokens;

    public CpuPath Path => path;

    public void Multiply(WeightMatrix w, InputRows x, float[] y, int tokens, float[]? bias = null) =>
        Multiply(x, tokens, new Product(w, y, bias));

    /// <summary>Every product of <paramref name="products"/> with the same input rows, in one parallel call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Multiply(InputRows x, int tokens, params ReadOnlySpan<Product> products)
    {
        if (products.Length > MaxProducts)
            throw new ArgumentException($"At most {MaxProducts} products share one call.", nameof(products));
        (_x, _tokens, _count) = (x.Values, tokens, products.Length);
        long work = 0;
        for (var i = 0; i < products.Length; i++)
        {
            var w = products[i].W;
            _products[i] = products[i];
            var quantized = quantizeInputs && QuantKernel.IsQuantized(w.Type) && (tokens < FloatTilesFromTokens || w.Interleaved);
            _productKernels[i] = quantized ? _kernels[(int)w.Type + (w.Interleaved ? 32 : 0)] ??= QuantKernel.For(w.Type, w.Interleaved, path) : null;
            if (quantized)
                _quantized = x.Quantized(tokens, w.Cols);
            work += (long)w.Rows * w.Cols * tokens;
        }
        // Float tiles of a prefill-sized batch read the inputs packed column-major, laid out once for every product.
        _packed = false;
        for (var i = 0; i < products.Length; i++)
            if (_productKernels[i] is null && FloatTiles.UsesPackedInputs(tokens, products[i].W.Cols))
            {
                var length = FloatTiles.PackedLength(tokens, products[i].W.Cols);
                if (_packedInputs.Length < length)
                    _packedInputs = new float[length];
                FloatTiles.PackInputs(x.Values, tokens, products[i].W.Cols, _packedInputs);
                _packed = true;
                break;
            }
        threads.Run(this, work < ParallelThreshold ? 1 : threads.Count);
        _products.AsSpan(0, _count).Clear();
        _quantized = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(int part, int parts)
    {
        for (var i = 0; i < _count; i++)
        {
            var (w, y, bias) = _products[i];
            var share = (w.Rows + parts - 1) / parts;
            share = (share + RowAlignment - 1) / RowAlignment * RowAlignment;
            var from = Math.Min(w.Rows, part * share);
            var to = Math.Min(w.Rows, from + share);
            if (from >= to)
                continue;
            if (_productKernels[i] is { } kernel)
                kernel.Multiply(w.Packed, w.RowBytes, from, to, _quantized!, _tokens, y, w.Rows, bias);
            else
                FloatTiles.Multiply(w, _x, _packed ? _packedInputs : null, y, _tokens, from, to, bias);
        }
    }
}
