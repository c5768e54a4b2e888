namespace Dynamo.Backends.Llama.Model;

/// <summary>One transformer block's weights, row-major [out][in]; biases and q/k norms only where the architecture has them.</summary>
internal sealed record LayerWeights(
    float[] AttnNorm,
    float[] Wq,
    float[] Wk,
    float[] Wv,
    float[] Wo,
    float[]? Bq,
    float[]? Bk,
    float[]? Bv,
    float[]? QNorm,
    float[]? KNorm,
    float[] FfnNorm,
    float[] WGate,
    float[] WUp,
    float[] WDown);
