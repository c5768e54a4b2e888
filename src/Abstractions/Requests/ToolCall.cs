namespace Dynamo.Abstractions.Requests;

/// <summary>A function call, as OpenAI returns it: arguments are a JSON text.</summary>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);
