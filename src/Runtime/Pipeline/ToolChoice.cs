namespace Dynamo.Runtime.Pipeline;

/// <summary>What a request allows of tool calls.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides; calls in its output are parsed.</summary>
    Auto,
    /// <summary>No calls: tool markup stays text.</summary>
    None,
    /// <summary>The model must call some tool (needs constrained decoding: refused until it exists).</summary>
    Required,
    /// <summary>The model must call <see cref="ToolChoice.Function"/>.</summary>
    Function,
}

/// <param name="Function">The function's name, for <see cref="ToolChoiceMode.Function"/>.</param>
public sealed record ToolChoice(ToolChoiceMode Mode, string? Function = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);

    public static readonly ToolChoice None = new(ToolChoiceMode.None);

    public static readonly ToolChoice Required = new(ToolChoiceMode.Required);

    public static ToolChoice ForFunction(string name) => new(ToolChoiceMode.Function, name);
}
