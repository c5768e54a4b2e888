using System.Text.RegularExpressions;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// The tensors of a Hugging Face checkpoint (every <c>*.safetensors</c> in its folder, so sharded
/// ones too), looked up by llama.cpp's names and translated to Hugging Face's.
/// </summary>
internal sealed partial class SafetensorsTensorSource : ITensorSource, IDisposable
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, (SafetensorsFile File, SafetensorsFile.Entry Entry)> _tensors = new(StringComparer.Ordinal);

    public string Path { get; }

    public SafetensorsTensorSource(string folder)
    {
        Path = folder;
        _files = Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).Select(SafetensorsFile.Open).ToList();
        if (_files.Count == 0)
            throw new GgufFormatException(folder, "no *.safetensors files in the model folder.");
        foreach (var file in _files)
            foreach (var entry in file.Tensors.Values)
                _tensors[entry.Name] = (file, entry);
    }

    [GeneratedRegex(@"^blk\.(\d+)\.(.+)$")]
    private static partial Regex LayerName();

    private static readonly Dictionary<string, string> LayerParts = new()
    {
        ["attn_norm.weight"] = "input_layernorm.weight",
        ["attn_q.weight"] = "self_attn.q_proj.weight",
        ["attn_k.weight"] = "self_attn.k_proj.weight",
        ["attn_v.weight"] = "self_attn.v_proj.weight",
        ["attn_output.weight"] = "self_attn.o_proj.weight",
        ["attn_q.bias"] = "self_attn.q_proj.bias",
        ["attn_k.bias"] = "self_attn.k_proj.bias",
        ["attn_v.bias"] = "self_attn.v_proj.bias",
        ["attn_q_norm.weight"] = "self_attn.q_norm.weight",
        ["attn_k_norm.weight"] = "self_attn.k_norm.weight",
        ["ffn_norm.weight"] = "post_attention_layernorm.weight",
        ["ffn_gate.weight"] = "mlp.gate_proj.weight",
        ["ffn_up.weight"] = "mlp.up_proj.weight",
        ["ffn_down.weight"] = "mlp.down_proj.weight",
    };

    /// <summary>llama.cpp's tensor name as Hugging Face's Llama/Qwen/Mistral checkpoints spell it.</summary>
    public static string HuggingFaceName(string name) => name switch
    {
        "token_embd.weight" => "model.embed_tokens.weight",
        "output_norm.weight" => "model.norm.weight",
        "output.weight" => "lm_head.weight",
        _ when LayerName().Match(name) is { Success: true } m && LayerParts.TryGetValue(m.Groups[2].Value, out var part) => $"model.layers.{m.Groups[1].Value}.{part}",
        _ => name,
    };

    public bool Has(string name) => _tensors.ContainsKey(HuggingFaceName(name));

    public float[] Vector(string name, int length)
    {
        var (file, entry) = Find(name, [length]);
        var values = new float[length];
        GgmlDecoder.Decode(entry.Type, file.Read(entry), values, file.Path, entry.Name);
        return values;
    }

    /// <summary>Hugging Face stores a linear layer's weight as [out][in], the same row-major layout the kernels use.</summary>
    public WeightMatrix Matrix(string name, int cols, int rows)
    {
        var (file, entry) = Find(name, [rows, cols]);
        return WeightMatrix.Create(entry.Type, file.Read(entry), rows, cols);
    }

    private (SafetensorsFile File, SafetensorsFile.Entry Entry) Find(string name, long[] shape)
    {
        var hfName = HuggingFaceName(name);
        if (!_tensors.TryGetValue(hfName, out var found))
            throw new GgufFormatException(Path, $"tensor '{hfName}' is missing.");
        if (!found.Entry.Shape.SequenceEqual(shape))
            throw new GgufFormatException(found.File.Path, $"tensor '{hfName}' has shape [{string.Join(", ", found.Entry.Shape)}], expected [{string.Join(", ", shape)}].");
        return found;
    }

    public void Dispose()
    {
        foreach (var file in _files)
            file.Dispose();
    }
}
