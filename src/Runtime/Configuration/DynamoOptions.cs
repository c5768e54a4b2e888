namespace Dynamo.Runtime.Configuration;

/// <summary>The <c>Dynamo</c> section of appsettings.json (read by <see cref="DynamoOptionsSetup"/>, checked at start by <see cref="DynamoOptionsValidator"/>).</summary>
public sealed class DynamoOptions
{
    public const string Section = "Dynamo";

    public const long DefaultMaxRequestBodyBytes = 4L * 1024 * 1024;

    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Relative model paths resolve against this folder: the host's content root (the folder of the configuration file in use).</summary>
    public string ContentRoot { get; set; } = AppContext.BaseDirectory;

    public List<ModelOptions> Models { get; set; } = [];

    /// <summary>
    /// Other names clients may use for a served model (<c>Dynamo:ModelAliases</c>, e.g. <c>{"claude-*": "stories260K"}</c>):
    /// glob patterns (<c>*</c>, <c>?</c>) tried after the served names, the most specific first (the
    /// most characters that are not wildcards), so a harness that asks for its vendor's model names reaches one of ours.
    /// </summary>
    public List<KeyValuePair<string, string>> ModelAliases { get; set; } = [];

    /// <summary>
    /// The reasoning budget each effort level gets (<c>Dynamo:ReasoningEffort</c>: <c>Low</c>, <c>Medium</c>, <c>High</c>, in tokens),
    /// for the Responses API's <c>reasoning.effort</c> and Anthropic's <c>output_config.effort</c>.
    /// </summary>
    public Dictionary<string, int> ReasoningEffort { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["low"] = 1024, ["medium"] = 4096, ["high"] = 16384 };

    /// <summary>When any are set, every <c>/v1</c> route needs one (<c>Authorization: Bearer</c> or <c>x-api-key</c>).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>A model's <c>Path</c> as a full path (relative ones against <see cref="ContentRoot"/>), or null when it has none.</summary>
    public string? ResolvePath(string? path) => path is null ? null : Path.GetFullPath(path, ContentRoot);
}
