using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>The hyper-parameters of a Llama-family model, read from GGUF metadata.</summary>
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
}
