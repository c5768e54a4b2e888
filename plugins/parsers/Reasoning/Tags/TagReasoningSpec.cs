namespace Dynamo.Parsers.Reasoning.Tags;

/// <summary>
/// A family whose reasoning sits between markers; <see cref="Opening"/> says how the request's thinking
/// switch decides whether the template opened the thought.
/// </summary>
/// <param name="Starts">Markers that open reasoning; the first is the family's own.</param>
/// <param name="Ends">Markers that close it; the first is the family's own.</param>
internal sealed record TagReasoningSpec(string[] Starts, string[] Ends, Opening Opening)
{
    public TagReasoningSpec(string start, string end, Opening opening)
        : this([start], [end], opening)
    {
    }

    /// <summary>Markup that ends reasoning cut short and begins the answer, kept in it (a tool call's start: the tool parser reads it).</summary>
    public string[] Exits { get; init; } = [];

    /// <summary>Whether an end marker outside reasoning is dropped (a special token) or kept as text (Granite's phrases are words).</summary>
    public bool DropsStrayEnds { get; init; } = true;

    /// <summary>A label the model writes right after the start marker, dropped (Gemma 4's <c>thought\n</c>).</summary>
    public string Label { get; init; } = "";
}
