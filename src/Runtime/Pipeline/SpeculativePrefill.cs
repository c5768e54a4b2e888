using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// <c>agent_hints.speculative_prefill</c>: once a chat response is complete, the next turn's prompt
/// prefix (the conversation plus this reply, rendered by the chat template as the next request will
/// render it, so reasoning the template drops is dropped) is sent to the same worker as a one-token
/// request, so its KV is cached when the harness comes back with the tool result.
/// </summary>
internal sealed class SpeculativePrefill(ILogger<SpeculativePrefill> logger)
{
    /// <summary>Starts the prefill in the background when the request asked for it; never delays or fails the response.</summary>
    public void StartAfter(PreparedRequest request, string? workerId, string? content, string? reasoning, IReadOnlyList<ToolCall> toolCalls)
    {
        if (request.Engine.Metadata.AgentHints?.SpeculativePrefill != true || request.Chat is not { } chat || workerId is null)
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                var reply = new ChatMessage("assistant", content, ToolCalls: toolCalls.Count > 0 ? toolCalls : null, ReasoningContent: reasoning);
                var prompt = request.Model.ChatTemplate.Render(chat with { Messages = [.. chat.Messages, reply], AddGenerationPrompt = false });
                var tokens = request.Model.Tokenizer.Encode(prompt, addSpecialTokens: false);
                if (tokens.Length + 1 > request.Model.MaxContextLength)
                    return;
                // The warm-up must not close or reopen the session, nor warm up itself.
                var metadata = request.Engine.Metadata with
                {
                    AgentHints = request.Engine.Metadata.AgentHints with { SpeculativePrefill = false },
                    SessionControl = null,
                };
                var warmup = new EngineRequest($"{request.Engine.RequestId}-prefill", tokens, SamplingParams.Greedy, new StopConditions(1, [], IgnoreEos: true), metadata);
                await request.Model.PrefillOnAsync(workerId, warmup);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Speculative prefill after {RequestId} skipped", request.Engine.RequestId);
            }
        });
    }
}
