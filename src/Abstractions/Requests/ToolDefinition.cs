using System.Text.Json;

namespace Dynamo.Abstractions.Requests;

/// <summary>A function the model may call (an entry of the request's <c>tools</c>).</summary>
/// <param name="Parameters">The JSON schema of the arguments, as sent.</param>
/// <param name="Strict">The arguments must follow <paramref name="Parameters"/> (OpenAI's <c>strict</c>): a grammar makes them.</param>
public sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters, bool Strict = false);
