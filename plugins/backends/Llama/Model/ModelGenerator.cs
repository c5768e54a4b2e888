using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Writes a model with random weights as a real GGUF file: for tests of every architecture and
/// tensor type, for benchmarks of model shapes nobody ships, and as the default model where no
/// trained one is available. With a vocabulary file, its tokenizer metadata is copied in, so the
/// model has a real tokenizer (its output is still noise).
/// </summary>
internal static class ModelGenerator
{
    internal sealed record Shape(int Dim, int Layers, int Heads, int KvHeads, int HeadDim, int Ffn, int Vocab, int Context, float RopeBase = 10000f);

    /// <summary>The shapes of llama2.c's 15M and 110M TinyStories models (vocab 32000).</summary>
    public static readonly Shape Stories15M = new(288, 6, 6, 6, 48, 768, 32000, 256);
    public static readonly Shape Stories110M = new(768, 12, 12, 12, 64, 2048, 32000, 1024);

    /// <summary>
    /// llama.cpp's Q4_K_M mix: Q4_K matrices, with Q6_K for the output (or the tied embedding) and
    /// for attn_v and ffn_down in the first and last eighth of the layers and every third between.
    /// </summary>
    public static GgmlType Q4KM(string name, int layers)
    {
        if (name is "output.weight")
            return GgmlType.Q6_K;
        if (!name.StartsWith("blk.", StringComparison.Ordinal) || !(name.EndsWith("attn_v.weight", StringComparison.Ordinal) || name.EndsWith("ffn_down.weight", StringComparison.Ordinal)))
            return GgmlType.Q4_K;
        var layer = int.Parse(name.AsSpan(4, name.IndexOf('.', 4) - 4), provider: null);
        var moreBits = layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
        return moreBits ? GgmlType.Q6_K : GgmlType.Q4_K;
    }

    /// <param name="matrixType">A type per matrix by name (a mix such as <see cref="Q4KM"/>), instead of <paramref name="type"/> for all.</param>
    /// <returns>Every tensor's values as the file holds them (after rounding or quantization), when asked to keep them.</returns>
    public static Dictionary<string, float[]>? Write(string path, string architecture, Shape s, GgmlType type,
        bool tied = false, int seed = 1, GgufFile? vocabulary = null, bool keepWeights = false, Func<string, GgmlType>? matrixType = null)
    {
        var random = new Random(seed);
        float[] Random(int n, float scale)
        {
            var values = new float[n];
            for (var i = 0; i < n; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return values;
        }
        float[] Norm(int n) => Enumerable.Range(0, n).Select(_ => 1f + (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();

        var vocab = vocabulary?.Get<string[]>("tokenizer.ggml.tokens").Length ?? s.Vocab;
        var writer = new GgufWriter()
            .Set("general.architecture", architecture)
            .Set("general.name", $"generated-{architecture}-{s.Dim}x{s.Layers}")
            .Set($"{architecture}.embedding_length", (uint)s.Dim)
            .Set($"{architecture}.block_count", (uint)s.Layers)
            .Set($"{architecture}.feed_forward_length", (uint)s.Ffn)
            .Set($"{architecture}.attention.head_count", (uint)s.Heads)
            .Set($"{architecture}.attention.head_count_kv", (uint)s.KvHeads)
            .Set($"{architecture}.attention.key_length", (uint)s.HeadDim)
            .Set($"{architecture}.context_length", (uint)s.Context)
            .Set($"{architecture}.attention.layer_norm_rms_epsilon", 1e-5f)
            .Set($"{architecture}.rope.freq_base", s.RopeBase);
        foreach (var (key, value) in vocabulary?.Metadata.Where(kv => kv.Key.StartsWith("tokenizer.", StringComparison.Ordinal)) ?? [])
            writer.Set(key, value);
        var weights = keepWeights ? new Dictionary<string, float[]>() : null;
        // Norms and biases stay F32, as llama.cpp's converters keep them.
        void Add(string name, float[] values, bool matrix, params long[] dims)
        {
            var tensorType = !matrix ? GgmlType.F32 : tied && name == "token_embd.weight" && matrixType is not null ? matrixType("output.weight") : matrixType?.Invoke(name) ?? type;
            var stored = writer.Tensor(name, values, tensorType, dims);
            weights?.Add(name, stored);
        }

        int q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        float In(int n) => 1f / MathF.Sqrt(n); // keeps activations of a deep random model in range
        Add("token_embd.weight", Random(vocab * s.Dim, 1f), true, s.Dim, vocab);
        for (var l = 0; l < s.Layers; l++)
        {
            Add($"blk.{l}.attn_norm.weight", Norm(s.Dim), false, s.Dim);
            Add($"blk.{l}.attn_q.weight", Random(q * s.Dim, 2 * In(s.Dim)), true, s.Dim, q);
            Add($"blk.{l}.attn_k.weight", Random(kv * s.Dim, 2 * In(s.Dim)), true, s.Dim, kv);
            Add($"blk.{l}.attn_v.weight", Random(kv * s.Dim, 2 * In(s.Dim)), true, s.Dim, kv);
            Add($"blk.{l}.attn_output.weight", Random(s.Dim * q, 2 * In(q)), true, q, s.Dim);
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
            Add($"blk.{l}.ffn_gate.weight", Random(s.Ffn * s.Dim, 2 * In(s.Dim)), true, s.Dim, s.Ffn);
            Add($"blk.{l}.ffn_up.weight", Random(s.Ffn * s.Dim, 2 * In(s.Dim)), true, s.Dim, s.Ffn);
            Add($"blk.{l}.ffn_down.weight", Random(s.Dim * s.Ffn, 2 * In(s.Ffn)), true, s.Ffn, s.Dim);
        }
        Add("output_norm.weight", Norm(s.Dim), false, s.Dim);
        if (!tied)
            Add("output.weight", Random(vocab * s.Dim, 2 * In(s.Dim)), true, s.Dim, vocab);
        writer.Write(path);
        return weights;
    }
}
