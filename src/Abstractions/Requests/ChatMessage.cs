namespace Dynamo.Abstractions.Requests;

/// <summary>One message of a chat request, as templates and parsers see it.</summary>
/// <param name="Role">system, user, assistant or tool (others pass through to the template).</param>
/// <param name="Content">The text; array content is joined from its text parts.</param>
/// <param name="ContentParts">The original parts when content was an array, else null.</param>
/// <param name="ToolCalls">An assistant's earlier tool calls.</param>
/// <param name="ToolCallId">For a tool message: the call it answers.</param>
/// <param name="Name">Optional participant or tool name.</param>
/// <param name="ReasoningContent">An assistant's earlier reasoning, where the client sends it back.</param>
public sealed record ChatMessage(
    string Role,
    string? Content,
    IReadOnlyList<ContentPart>? ContentParts = null,
    IReadOnlyList<ToolCall>? ToolCalls = null,
    string? ToolCallId = null,
    string? Name = null,
    string? ReasoningContent = null);

/// <summary>One part of array content (<c>{"type":"text","text":…}</c>).</summary>
public sealed record ContentPart(string Type, string? Text);
