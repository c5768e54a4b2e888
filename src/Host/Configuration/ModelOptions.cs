using Microsoft.Extensions.Configuration;

namespace Dynamo.Host.Configuration;

/// <summary>One entry of <c>Dynamo:Models</c>: a served model and the components it is built from.</summary>
internal sealed record ModelOptions(
    string Name,
    ComponentSelection Engine,
    int Replicas,
    ComponentSelection Router,
    ComponentSelection Tokenizer,
    ComponentSelection ChatTemplate,
    ComponentSelection? ToolCallParser,
    ComponentSelection? ReasoningParser,
    string? Path,
    bool Optional)
{
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
        var replicas = section.GetValue("Replicas", 1);
        if (replicas < 1)
            throw new DynamoConfigurationException($"Model '{name}': 'Replicas' must be at least 1, got {replicas}.");
        return new ModelOptions(
            name.Trim(),
            engine,
            replicas,
            ComponentSelection.From(section.GetSection("Router")) ?? ComponentSelection.Named(DefaultRouter),
            ComponentSelection.From(section.GetSection("Tokenizer")) ?? ComponentSelection.Named(DefaultTokenizer),
            ComponentSelection.From(section.GetSection("ChatTemplate")) ?? ComponentSelection.Named(DefaultChatTemplate),
            ComponentSelection.From(section.GetSection("ToolCallParser")),
            ComponentSelection.From(section.GetSection("ReasoningParser")),
            section["Path"],
            section.GetValue("Optional", false));
    }
}
