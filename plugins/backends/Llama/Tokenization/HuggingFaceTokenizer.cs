using System.Text.Json;
using System.Text.RegularExpressions;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Builds a tokenizer from a Hugging Face <c>tokenizer.json</c> (and <c>tokenizer_config.json</c>
/// beside it for BOS/EOS): byte-level BPE models, the kind Llama 3, Qwen, Mistral-Nemo and GPT-2
/// families ship, with their Split pre-tokenizer expressions and added tokens.
/// </summary>
internal static class HuggingFaceTokenizer
{
    /// <summary>
    /// The folder's chat template: chat_template.jinja, else tokenizer_config.json's
    /// <c>chat_template</c> (a string, or a list of named templates of which "default" is used).
    /// </summary>
    public static string? ReadChatTemplate(string folder)
    {
        var file = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(file))
            return File.ReadAllText(file);
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(config))
            return null;
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        if (!json.RootElement.TryGetProperty("chat_template", out var template))
            return null;
        return template.ValueKind switch
        {
            JsonValueKind.String => template.GetString(),
            JsonValueKind.Array => template.EnumerateArray().FirstOrDefault(t => t.TryGetProperty("name", out var n) && n.GetString() == "default") is { ValueKind: JsonValueKind.Object } named
                ? named.GetProperty("template").GetString() : null,
            _ => null,
        };
    }

    public static GgufTokenizer Load(string folder)
    {
        var path = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(path))
            throw new GgufFormatException(folder, "no tokenizer.json in the model folder.");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type != "BPE" || !UsesByteLevel(root))
            throw new GgufFormatException(path, $"only byte-level BPE tokenizer.json files are supported (this one is {type ?? "untyped"}{(type == "BPE" ? " without ByteLevel" : "")}).");

        var ids = model.GetProperty("vocab").EnumerateObject().Select(p => (Text: p.Name, Id: p.Value.GetInt32(), Type: GgufVocabulary.Normal)).ToList();
        if (root.TryGetProperty("added_tokens", out var added))
            ids.AddRange(added.EnumerateArray().Select(a => (a.GetProperty("content").GetString()!, a.GetProperty("id").GetInt32(),
                a.TryGetProperty("special", out var special) && special.GetBoolean() ? GgufVocabulary.Control : GgufVocabulary.UserDefined)));
        var size = ids.Max(i => i.Id) + 1;
        var tokens = new string[size];
        var types = Enumerable.Repeat(GgufVocabulary.Unused, size).ToArray();
        foreach (var (text, id, kind) in ids)
            (tokens[id], types[id]) = (text, kind);
        for (var i = 0; i < size; i++)
            tokens[i] ??= "";
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!).ToArray();

        var config = ReadConfig(Path.Combine(folder, "tokenizer_config.json"));
        int? Id(string? text) => text is not null && Array.IndexOf(tokens, text) is >= 0 and var id ? id : null;
        var vocabulary = new GgufVocabulary(tokens, types, new float[size], Id(config.Bos), Id(config.Eos), null, config.AddBos, false, []);
        return new BytePairTokenizer(vocabulary, merges, PreTokenizer.FromPatterns(Patterns(root.GetProperty("pre_tokenizer"))));
    }

    private static bool UsesByteLevel(JsonElement root) =>
        root.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal);

    /// <summary>Split expressions in order; a ByteLevel step with use_regex adds GPT-2's.</summary>
    private static IEnumerable<string> Patterns(JsonElement preTokenizer)
    {
        if (preTokenizer.ValueKind != JsonValueKind.Object)
            yield break;
        switch (preTokenizer.GetProperty("type").GetString())
        {
            case "Sequence":
                foreach (var step in preTokenizer.GetProperty("pretokenizers").EnumerateArray())
                    foreach (var inner in Patterns(step))
                        yield return inner;
                break;
            case "Split":
                var pattern = preTokenizer.GetProperty("pattern");
                yield return pattern.TryGetProperty("Regex", out var regex) ? regex.GetString()! : Regex.Escape(pattern.GetProperty("String").GetString()!);
                break;
            case "ByteLevel" when !preTokenizer.TryGetProperty("use_regex", out var use) || use.GetBoolean():
                yield return PreTokenizer.Gpt2Pattern;
                break;
        }
    }

    private sealed record TokenizerConfig(string? Bos, string? Eos, bool AddBos);

    private static TokenizerConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
            return new TokenizerConfig(null, null, false);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        string? Token(string key) => !root.TryGetProperty(key, out var v) ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString()
            : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) ? c.GetString() : null;
        var addBos = root.TryGetProperty("add_bos_token", out var a) && a.ValueKind == JsonValueKind.True;
        return new TokenizerConfig(Token("bos_token"), Token("eos_token"), addBos);
    }
}
