using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// y[t, r] = w[r, :] · x[t, :] (+ bias[r]) for a batch of input rows, split by rows across the
/// fixed CPU threads (static partitioning). Quantized weights meet 8-bit inputs in integer dot
/// products and are never expanded; F32 (and decoded 16-bit) rows run as register tiles of rows
/// times tokens, so each weight row is read once per batch.
/// </summary>
/// <param name="quantizeInputs">False decodes quantized rows to meet float inputs instead (the GPU pass's arithmetic, for comparisons).</param>
internal sealed class CpuMatMul(CpuThreads threads, CpuPath path, bool quantizeInputs = true) : ParallelWork
{
    // Below this many multiply-adds a product runs on the calling thread: waking workers costs more.
    private const long ParallelThreshold = 1 << 15;

    // Row ranges start on multiples of this, so the tiles of rows stay whole and threads write apart.
    private const int RowAlignment = 16;

    private readonly QuantKernel?[] _kernels = new QuantKernel?[32];
    private WeightMatrix? _w;
    private QuantizedRows? _quantized;
    private float[] _x = [];
    private float[] _y = [];
    private float[]? _bias;
    private int _tokens;
    private QuantKernel? _kernel;

    public CpuPath Path => path;

    public void Multiply(WeightMatrix w, InputRows x, float[] y, int tokens, float[]? bias = null)
    {
        var quantized = quantizeInputs && QuantKernel.IsQuantized(w.Type);
        (_w, _x, _y, _tokens, _bias) = (w, x.Values, y, tokens, bias);
        _quantized = quantized ? x.Quantized(tokens, w.Cols) : null;
        _kernel = quantized ? Kernel(w) : null;
        var parts = (long)w.Rows * w.Cols * tokens < ParallelThreshold ? 1 : threads.Count;
        threads.Run(this, parts);
        (_w, _quantized, _kernel, _bias) = (null, null, null, null);
    }

    private QuantKernel Kernel(WeightMatrix w) => _kernels[(int)w.Type] ??= QuantKernel.For(w.Type, path);

    public override void Run(int part, int parts)
    {
        var w = _w!;
        var share = (w.Rows + parts - 1) / parts;
        share = (share + RowAlignment - 1) / RowAlignment * RowAlignment;
        var from = Math.Min(w.Rows, part * share);
        var to = Math.Min(w.Rows, from + share);
        if (from >= to)
            return;
        if (_kernel is not null)
            _kernel.Multiply(w.Packed, w.RowBytes, from, to, _quantized!, _tokens, _y, w.Rows, _bias);
        else
            FloatTiles.Multiply(w, _x, _y, _tokens, from, to, _bias);
    }
}
