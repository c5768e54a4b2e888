using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Configuration;

/// <summary>One entry of <c>Dynamo:Models</c>: a served model and the components it is built from.</summary>
public sealed record ModelOptions(
    string Name,
    ComponentSelection Engine,
    int Replicas,
    ComponentSelection Router,
    ComponentSelection Tokenizer,
    ComponentSelection ChatTemplate,
    ComponentSelection? ToolCallParser,
    ComponentSelection? ReasoningParser,
    string? Path,
    bool Optional,
    int MigrationLimit,
    int? BusyThreshold = null,
    IReadOnlyList<ComponentSelection>? KvTiers = null,
    ComponentSelection? Grammar = null,
    BusyThresholds? BusyThresholds = null,
    SessionAffinityOptions? SessionAffinity = null,
    DisaggregationOptions? Disaggregation = null)
{
    /// <summary>Dynamo's <c>migration_limit</c>: how often a request may move to another worker when its worker is lost.</summary>
    public const int DefaultMigrationLimit = 3;

    public const string DefaultRouter = "round-robin";
    public const string DefaultTokenizer = "bytes";
    public const string DefaultChatTemplate = "plain";

    public static ModelOptions From(IConfigurationSection section)
    {
        var name = section["Name"];
        if (string.IsNullOrWhiteSpace(name))
            throw new DynamoConfigurationException($"'{section.Path}' needs a 'Name' (the model name clients send).");
        var engine = ComponentSelection.From(section.GetSection("Engine"))
            ?? throw new DynamoConfigurationException($"Model '{name}' needs an 'Engine' (a backend plugin's name, e.g. \"mocker\").");
        return new ModelOptions(
            name.Trim(),
            engine,
            section.GetValue("Replicas", 1),
            ComponentSelection.From(section.GetSection("Router")) ?? ComponentSelection.Named(DefaultRouter),
            ComponentSelection.From(section.GetSection("Tokenizer")) ?? ComponentSelection.Named(DefaultTokenizer),
            ComponentSelection.From(section.GetSection("ChatTemplate")) ?? ComponentSelection.Named(DefaultChatTemplate),
            ComponentSelection.From(section.GetSection("ToolCallParser")),
            ComponentSelection.From(section.GetSection("ReasoningParser")),
            section["Path"],
            section.GetValue("Optional", false),
            section.GetValue("MigrationLimit", DefaultMigrationLimit),
            section.GetValue<int?>("BusyThreshold"),
            // Offload tiers in order (device → first → second …): each a KvOffloadTier plugin by name, with its options.
            [.. section.GetSection("KvTiers").GetChildren().Select(t => ComponentSelection.From(t)
                ?? throw new DynamoConfigurationException($"'{t.Path}' needs a 'Name' (a KV offload tier plugin, e.g. \"host-memory\")."))],
            // The grammar engine for structured output; by default the one installed ("pda" when several are).
            ComponentSelection.From(section.GetSection("Grammar")),
            BusyThresholds.From(section.GetSection("BusyThresholds")),
            SessionAffinityOptions.From(section),
            DisaggregationOptions.From(section));
    }
}
