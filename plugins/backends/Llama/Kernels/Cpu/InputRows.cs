namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// An activation buffer that feeds matrix products, [token][feature], with its 8-bit form made
/// on first use after each write: the Q, K and V products (and gate and up) share one quantization.
/// </summary>
internal sealed class InputRows(int length)
{
    private readonly QuantizedRows _quantized = new();
    private bool _fresh;
    private int _tokens;

    public float[] Values { get; } = new float[length];

    /// <summary>Call after writing <see cref="Values"/>.</summary>
    public void Changed() => _fresh = false;

    public QuantizedRows Quantized(int tokens, int cols)
    {
        if (!_fresh || _quantized.Cols != cols || _tokens != tokens)
        {
            _quantized.Quantize(Values.AsSpan(0, tokens * cols), tokens, cols);
            (_fresh, _tokens) = (true, tokens);
        }
        return _quantized;
    }

}
