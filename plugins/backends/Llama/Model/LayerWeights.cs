namespace Dynamo.Backends.Llama.Model;

/// <summary>One transformer block's weights, matrices [out][in] in their file type; biases and q/k norms only where the architecture has them.</summary>
internal sealed record LayerWeights(
    float[] AttnNorm,
    WeightMatrix Wq,
    WeightMatrix Wk,
    WeightMatrix Wv,
    WeightMatrix Wo,
    float[]? Bq,
    float[]? Bk,
    float[]? Bv,
    float[]? QNorm,
    float[]? KNorm,
    float[] FfnNorm,
    WeightMatrix WGate,
    WeightMatrix WUp,
    WeightMatrix WDown);
