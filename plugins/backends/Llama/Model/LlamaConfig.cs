using System.Text.Json;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>The hyper-parameters of a Llama-family model, read from GGUF metadata or a Hugging Face config.json.</summary>
internal sealed record LlamaConfig(
    string Architecture,
    int Dim,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int FfnDim,
    int VocabSize,
    int ContextLength,
    float RmsEps,
    float RopeBase,
    int RopeDim,
    RopeStyle Rope,
    bool QkvBias,
    bool QkNorm)
{
    public static readonly string[] Architectures = ["llama", "mistral", "qwen2", "qwen3"];

    public int QDim => Heads * HeadDim;

    public int KvDim => KvHeads * HeadDim;

    public static LlamaConfig From(GgufFile file)
    {
        var arch = file.Get<string>("general.architecture");
        if (!Architectures.Contains(arch))
            throw new GgufFormatException(file.Path, $"architecture '{arch}' is not supported (supported: {string.Join(", ", Architectures)}).");
        int Int(string key) => (int)file.Get<uint>($"{arch}.{key}");
        int IntOr(string key, int fallback) => file.TryGet<uint>($"{arch}.{key}", out var v) ? (int)v : fallback;
        var dim = Int("embedding_length");
        var heads = Int("attention.head_count");
        var headDim = IntOr("attention.key_length", dim / heads);
        var embedding = file.Tensor("token_embd.weight");
        return new LlamaConfig(
            arch,
            dim,
            Int("block_count"),
            heads,
            IntOr("attention.head_count_kv", heads),
            headDim,
            Int("feed_forward_length"),
            checked((int)embedding.Dimensions[1]),
            IntOr("context_length", 2048),
            file.Get($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f),
            file.Get($"{arch}.rope.freq_base", 10000f),
            IntOr("rope.dimension_count", headDim),
            arch is "qwen2" or "qwen3" ? RopeStyle.HalfSplit : RopeStyle.Interleaved,
            file.Tensors.ContainsKey("blk.0.attn_q.bias"),
            file.Tensors.ContainsKey("blk.0.attn_q_norm.weight"));
    }

    /// <summary>
    /// From a Hugging Face <c>config.json</c>. Hugging Face checkpoints rotate half-split pairs for
    /// every one of these architectures (llama.cpp's converter permutes Llama's q/k weights instead).
    /// </summary>
    public static LlamaConfig FromHuggingFace(JsonElement config, string path, bool hasQkvBias, bool hasQkNorm)
    {
        var arch = config.TryGetProperty("model_type", out var t) ? t.GetString() ?? "" : "";
        if (!Architectures.Contains(arch))
            throw new GgufFormatException(path, $"model_type '{arch}' is not supported (supported: {string.Join(", ", Architectures)}).");
        int Int(string key) => config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32()
            : throw new GgufFormatException(path, $"config.json has no '{key}'.");
        int IntOr(string key, int fallback) => config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;
        float FloatOr(string key, float fallback) => config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetSingle() : fallback;
        var dim = Int("hidden_size");
        var heads = Int("num_attention_heads");
        var headDim = IntOr("head_dim", dim / heads);
        return new LlamaConfig(arch, dim, Int("num_hidden_layers"), heads, IntOr("num_key_value_heads", heads), headDim,
            Int("intermediate_size"), Int("vocab_size"), IntOr("max_position_embeddings", 2048), FloatOr("rms_norm_eps", 1e-6f),
            FloatOr("rope_theta", 10000f), headDim, RopeStyle.HalfSplit, hasQkvBias, hasQkNorm);
    }
}
