using System.Text.Json;

namespace Dynamo.Parsers.Tests;

/// <summary>
/// One test vector from a reference parser suite (vLLM, SGLang, Dynamo), kept as data in
/// <c>Reference/*.json</c> with its source named: the model output, and what the reference expects of it.
/// </summary>
public sealed record ReferenceCase(string File, JsonElement Json)
{
    public string Family => Json.GetProperty("family").GetString()!;

    public string Name => Json.GetProperty("name").GetString()!;

    public string Source => Json.GetProperty("source").GetString()!;

    public string Text => Json.GetProperty("text").GetString()!;

    public string Id => $"{Family}: {Name} ({Source})";

    public bool Has(string property) => Json.TryGetProperty(property, out _);

    public string? String(string property) => Json.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public bool? Bool(string property) => Json.TryGetProperty(property, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public override string ToString() => Id;

    /// <summary>Every case in the files named <c>Reference/{prefix}*.json</c>.</summary>
    public static IReadOnlyList<ReferenceCase> Load(string prefix) =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reference"), prefix + "*.json").Order()
            .SelectMany(file => JsonDocument.Parse(System.IO.File.ReadAllText(file)).RootElement.EnumerateArray().Select(c => new ReferenceCase(Path.GetFileName(file), c.Clone())))
            .ToList();

    /// <summary>
    /// Text as compared with a reference: whitespace is layout (the references join the text around
    /// calls with a space, two, or a newline), so every run of it counts as one space, and none at the ends.
    /// </summary>
    public static string Normal(string? text) => string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
