using System.Text;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Chat;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// The postprocess stage for a whole (non-streamed) chat completion: the streamed stage fed the
/// whole text at once, so a reply parses the same whether it was streamed or not.
/// </summary>
internal static class ChatOutputParser
{
    public static (string? Content, string? Reasoning, IReadOnlyList<ToolCall> ToolCalls) Parse(PreparedRequest request, string text, FinishReason? finish, string? stopSequence)
    {
        var post = new ChatStreamPostprocessor(request);
        var (content, reasoning, calls) = (new StringBuilder(), new StringBuilder(), new ToolCallAccumulator());
        foreach (var delta in (ChatDelta?[])[post.Push(text), post.Finish(AtStopToken(finish, stopSequence))])
        {
            content.Append(delta?.Content);
            reasoning.Append(delta?.Reasoning);
            calls.Add(delta?.ToolCalls);
        }
        return (content.Length > 0 ? content.ToString() : null, reasoning.Length > 0 ? reasoning.ToString() : null,
            calls.Calls.Select(c => new ToolCall(c.Id ?? "", c.Name ?? "", c.Arguments)).ToList());
    }

    /// <summary>The engine stopped at a stop token it does not show (not at a stop string, nor a length limit).</summary>
    public static bool AtStopToken(FinishReason? finish, string? stopSequence) => finish == FinishReason.Stop && stopSequence is null;
}
