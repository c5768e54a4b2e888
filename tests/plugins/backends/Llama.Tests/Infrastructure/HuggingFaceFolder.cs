using System.Text;
using System.Text.Json;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>Writes a <see cref="TinyModel"/>'s weights as a Hugging Face checkpoint folder: config.json and model.safetensors (F32 or F16).</summary>
internal static class HuggingFaceFolder
{
    public static string Write(TinyModel m, bool f16)
    {
        var s = m.Dims;
        var folder = Path.Combine(Path.GetTempPath(), $"hf-{m.Architecture}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model_type"] = m.Architecture,
            ["hidden_size"] = s.Dim,
            ["num_hidden_layers"] = s.Layers,
            ["num_attention_heads"] = s.Heads,
            ["num_key_value_heads"] = s.KvHeads,
            ["head_dim"] = s.HeadDim,
            ["intermediate_size"] = s.Ffn,
            ["vocab_size"] = s.Vocab,
            ["max_position_embeddings"] = s.Context,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = s.RopeBase,
            ["tie_word_embeddings"] = m.Tied,
        }));
        var header = new Dictionary<string, object>();
        using var data = new MemoryStream();
        foreach (var (name, values) in m.Weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var start = data.Length;
            foreach (var v in values)
                if (f16 && name.EndsWith(".weight") && !name.Contains("norm")) data.Write(BitConverter.GetBytes((Half)v));
                else data.Write(BitConverter.GetBytes(v));
            var dtype = f16 && name.EndsWith(".weight") && !name.Contains("norm") ? "F16" : "F32";
            header[SafetensorsTensorSource.HuggingFaceName(name)] = new { dtype, shape = Shape(name, values.Length, s.Dim), data_offsets = new[] { start, data.Length } };
        }
        var headerBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(Path.Combine(folder, "model.safetensors"));
        file.Write(BitConverter.GetBytes((long)headerBytes.Length));
        file.Write(headerBytes);
        data.Position = 0;
        data.CopyTo(file);
        return folder;
    }

    /// <summary>[out, in] for matrices: every matrix here has the model dimension on one side.</summary>
    private static long[] Shape(string name, int length, int dim)
    {
        if (name.Contains("norm") || name.Contains(".bias"))
            return [length];
        var isOutputSideDim = name.Contains("attn_output") || name.Contains("ffn_down");
        return isOutputSideDim ? [dim, length / dim] : [length / dim, dim];
    }
}
