namespace Dynamo.Backends.Llama.Model;

/// <summary>All weights of a model, from any tensor source (llama.cpp's tensor names).</summary>
internal sealed record LlamaWeights(WeightMatrix Embedding, LayerWeights[] Layers, float[] OutputNorm, WeightMatrix Output)
{
    /// <param name="progress">Told the fraction loaded after each layer.</param>
    public static LlamaWeights Load(ITensorSource source, LlamaConfig c, Action<double>? progress = null)
    {
        float[]? Optional(string name, int length) => source.Has(name) ? source.Vector(name, length) : null;
        var embedding = source.Matrix("token_embd.weight", c.Dim, c.VocabSize);
        var layers = new LayerWeights[c.Layers];
        for (var l = 0; l < c.Layers; l++)
        {
            string N(string t) => $"blk.{l}.{t}";
            layers[l] = new LayerWeights(
                source.Vector(N("attn_norm.weight"), c.Dim),
                source.Matrix(N("attn_q.weight"), c.Dim, c.QDim),
                source.Matrix(N("attn_k.weight"), c.Dim, c.KvDim),
                source.Matrix(N("attn_v.weight"), c.Dim, c.KvDim),
                source.Matrix(N("attn_output.weight"), c.QDim, c.Dim),
                Optional(N("attn_q.bias"), c.QDim),
                Optional(N("attn_k.bias"), c.KvDim),
                Optional(N("attn_v.bias"), c.KvDim),
                Optional(N("attn_q_norm.weight"), c.HeadDim),
                Optional(N("attn_k_norm.weight"), c.HeadDim),
                source.Vector(N("ffn_norm.weight"), c.Dim),
                source.Matrix(N("ffn_gate.weight"), c.Dim, c.FfnDim),
                source.Matrix(N("ffn_up.weight"), c.Dim, c.FfnDim),
                source.Matrix(N("ffn_down.weight"), c.FfnDim, c.Dim));
            progress?.Invoke((l + 1.0) / c.Layers);
        }
        // Tied embeddings: no output.weight means the embedding matrix is the output projection.
        var output = source.Has("output.weight") ? source.Matrix("output.weight", c.Dim, c.VocabSize) : embedding;
        return new LlamaWeights(embedding, layers, source.Vector("output_norm.weight", c.Dim), output);
    }
}
