using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>
/// A small random model of a given architecture written as a real GGUF file, with the weights
/// as the file holds them (after F16 rounding or quantization) kept for the naive reference.
/// </summary>
internal sealed record TinyModel(string Path, string Architecture, TinyModel.Shape Dims, Dictionary<string, float[]> Weights, bool Tied)
{
    internal sealed record Shape(int Dim = 32, int Layers = 2, int Heads = 4, int KvHeads = 2, int HeadDim = 8, int Ffn = 64, int Vocab = 64, int Context = 128, float RopeBase = 10000f);

    public static TinyModel Generate(string architecture, GgmlType type = GgmlType.F32, bool tied = false, int seed = 1, Shape? shape = null)
    {
        var s = shape ?? new Shape();
        var random = new Random(seed);
        float[] Random(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        float[] Norm(int n) => Enumerable.Range(0, n).Select(_ => 1f + (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();

        var writer = new GgufWriter()
            .Set("general.architecture", architecture)
            .Set($"{architecture}.embedding_length", (uint)s.Dim)
            .Set($"{architecture}.block_count", (uint)s.Layers)
            .Set($"{architecture}.feed_forward_length", (uint)s.Ffn)
            .Set($"{architecture}.attention.head_count", (uint)s.Heads)
            .Set($"{architecture}.attention.head_count_kv", (uint)s.KvHeads)
            .Set($"{architecture}.attention.key_length", (uint)s.HeadDim)
            .Set($"{architecture}.context_length", (uint)s.Context)
            .Set($"{architecture}.attention.layer_norm_rms_epsilon", 1e-5f)
            .Set($"{architecture}.rope.freq_base", s.RopeBase);
        var weights = new Dictionary<string, float[]>();
        // Norms and biases stay F32, as llama.cpp's converters keep them.
        void Add(string name, float[] values, bool matrix, params long[] dims) =>
            weights[name] = writer.Tensor(name, values, matrix ? type : GgmlType.F32, dims);

        int q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        Add("token_embd.weight", Random(s.Vocab * s.Dim, 1f), true, s.Dim, s.Vocab);
        for (var l = 0; l < s.Layers; l++)
        {
            Add($"blk.{l}.attn_norm.weight", Norm(s.Dim), false, s.Dim);
            Add($"blk.{l}.attn_q.weight", Random(q * s.Dim, 0.3f), true, s.Dim, q);
            Add($"blk.{l}.attn_k.weight", Random(kv * s.Dim, 0.3f), true, s.Dim, kv);
            Add($"blk.{l}.attn_v.weight", Random(kv * s.Dim, 0.3f), true, s.Dim, kv);
            Add($"blk.{l}.attn_output.weight", Random(s.Dim * q, 0.3f), true, q, s.Dim);
            if (architecture == "qwen2")
            {
                Add($"blk.{l}.attn_q.bias", Random(q, 0.1f), false, q);
                Add($"blk.{l}.attn_k.bias", Random(kv, 0.1f), false, kv);
                Add($"blk.{l}.attn_v.bias", Random(kv, 0.1f), false, kv);
            }
            if (architecture == "qwen3")
            {
                Add($"blk.{l}.attn_q_norm.weight", Norm(s.HeadDim), false, s.HeadDim);
                Add($"blk.{l}.attn_k_norm.weight", Norm(s.HeadDim), false, s.HeadDim);
            }
            Add($"blk.{l}.ffn_norm.weight", Norm(s.Dim), false, s.Dim);
            Add($"blk.{l}.ffn_gate.weight", Random(s.Ffn * s.Dim, 0.3f), true, s.Dim, s.Ffn);
            Add($"blk.{l}.ffn_up.weight", Random(s.Ffn * s.Dim, 0.3f), true, s.Dim, s.Ffn);
            Add($"blk.{l}.ffn_down.weight", Random(s.Dim * s.Ffn, 0.3f), true, s.Ffn, s.Dim);
        }
        Add("output_norm.weight", Norm(s.Dim), false, s.Dim);
        if (!tied)
            Add("output.weight", Random(s.Vocab * s.Dim, 0.5f), true, s.Dim, s.Vocab);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tiny-{architecture}-{type}-{Guid.NewGuid():N}.gguf");
        writer.Write(path);
        return new TinyModel(path, architecture, s, weights, tied);
    }
}
