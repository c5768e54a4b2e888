using System.Text.Json.Serialization;

namespace Dynamo.Abstractions.Constraints;

/// <summary>
/// How a model family writes tool calls, for grammars that make the model write them: literal
/// markers around a name slot and an arguments slot. A tool-call parser describes its family with
/// one (<c>IToolCallParser.Syntax</c>), so the grammar engine needs no family-specific code.
/// </summary>
/// <param name="Call">One call: literals, <see cref="SyntaxPart.Name"/> once and <see cref="SyntaxPart.Arguments"/> once.</param>
/// <param name="Begin">Before the first call (e.g. Mistral's <c>[TOOL_CALLS][</c>).</param>
/// <param name="Separator">Between calls.</param>
/// <param name="End">After the last call.</param>
/// <param name="Arguments">How the arguments are written.</param>
/// <param name="Trigger">
/// The text that starts the calls when the model may also answer in text (<see cref="ToolCallMode.Lazy"/>):
/// the first literal the model writes to begin calling. Defaults to <paramref name="Begin"/>'s text, else the call's leading literal.
/// </param>
public sealed record ToolCallSyntax(
    IReadOnlyList<SyntaxPart> Call,
    IReadOnlyList<SyntaxPart>? Begin = null,
    IReadOnlyList<SyntaxPart>? Separator = null,
    IReadOnlyList<SyntaxPart>? End = null,
    ArgumentsEncoding Arguments = ArgumentsEncoding.Json,
    string? Trigger = null)
{
    [JsonIgnore]
    public string CacheKey => string.Join("|", new[] { Begin, Call, Separator, End }.Select(p => string.Join(",", (p ?? []).Select(x => x.ToString())))) + $"|{Arguments}|{Trigger}";
}
