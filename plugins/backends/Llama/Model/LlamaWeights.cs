using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>All weights of a model, loaded from a GGUF file (llama.cpp's tensor names).</summary>
internal sealed record LlamaWeights(WeightMatrix Embedding, LayerWeights[] Layers, float[] OutputNorm, WeightMatrix Output)
{
    public static LlamaWeights Load(GgufFile file, LlamaConfig c)
    {
        var embedding = TensorLoader.Matrix(file, "token_embd.weight", c.Dim, c.VocabSize);
        var layers = new LayerWeights[c.Layers];
        for (var l = 0; l < c.Layers; l++)
        {
            string N(string t) => $"blk.{l}.{t}";
            layers[l] = new LayerWeights(
                TensorLoader.Load(file, N("attn_norm.weight"), c.Dim),
                TensorLoader.Matrix(file, N("attn_q.weight"), c.Dim, c.QDim),
                TensorLoader.Matrix(file, N("attn_k.weight"), c.Dim, c.KvDim),
                TensorLoader.Matrix(file, N("attn_v.weight"), c.Dim, c.KvDim),
                TensorLoader.Matrix(file, N("attn_output.weight"), c.QDim, c.Dim),
                TensorLoader.LoadOptional(file, N("attn_q.bias"), c.QDim),
                TensorLoader.LoadOptional(file, N("attn_k.bias"), c.KvDim),
                TensorLoader.LoadOptional(file, N("attn_v.bias"), c.KvDim),
                TensorLoader.LoadOptional(file, N("attn_q_norm.weight"), c.HeadDim),
                TensorLoader.LoadOptional(file, N("attn_k_norm.weight"), c.HeadDim),
                TensorLoader.Load(file, N("ffn_norm.weight"), c.Dim),
                TensorLoader.Matrix(file, N("ffn_gate.weight"), c.Dim, c.FfnDim),
                TensorLoader.Matrix(file, N("ffn_up.weight"), c.Dim, c.FfnDim),
                TensorLoader.Matrix(file, N("ffn_down.weight"), c.FfnDim, c.Dim));
        }
        // Tied embeddings: no output.weight means the embedding matrix is the output projection.
        var output = TensorLoader.MatrixOptional(file, "output.weight", c.Dim, c.VocabSize) ?? embedding;
        return new LlamaWeights(embedding, layers, TensorLoader.Load(file, "output_norm.weight", c.Dim), output);
    }
}
