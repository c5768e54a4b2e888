using System.Runtime.CompilerServices;
using Dynamo.Runtime.Pipeline;
using Microsoft.Extensions.AI;

namespace Dynamo.Runtime.Chat;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IChatClient"/> over the runtime, in process: no HTTP, the
/// same pipeline the front doors use. Tool calls come back as <see cref="FunctionCallContent"/>
/// (so <c>UseFunctionInvocation()</c> can run them), reasoning as <see cref="TextReasoningContent"/>;
/// Dynamo's <c>nvext</c> and the other extra fields go in <see cref="ChatOptions.AdditionalProperties"/>.
/// </summary>
internal sealed class DynamoChatClient(DynamoRuntime runtime, string model) : IChatClient
{
    private static readonly RequestInfo Unary = new("in_process", Stream: false);
    private static readonly RequestInfo Streamed = new("in_process", Stream: true);

    private readonly ChatClientMetadata _metadata = new("dynamo", defaultModelId: model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = runtime.PrepareChat(ChatRequestMapper.ToRequest(options?.ModelId ?? model, messages, options, runtime.Efforts));
        var result = await runtime.CompleteChatAsync(request, Unary, cancellationToken);
        var contents = new List<AIContent>();
        if (result.Reasoning is { Length: > 0 } reasoning && ShowsReasoning(options))
            contents.Add(new TextReasoningContent(reasoning));
        if (result.Content is { Length: > 0 } content)
            contents.Add(new TextContent(content));
        contents.AddRange(result.ToolCalls.Select(c => ChatRequestMapper.ToFunctionCall(c.Id, c.Name, c.ArgumentsJson)));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = result.RequestId })
        {
            ResponseId = result.RequestId,
            ModelId = result.Model,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = ChatRequestMapper.ToFinishReason(result.Finish),
            Usage = ChatRequestMapper.ToUsage(result.Usage),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = runtime.PrepareChat(ChatRequestMapper.ToRequest(options?.ModelId ?? model, messages, options, runtime.Efforts));
        var calls = new ToolCallAccumulator();
        var created = DateTimeOffset.UtcNow;
        await foreach (var delta in runtime.StreamChatAsync(request, Streamed, cancellationToken))
        {
            var contents = new List<AIContent>();
            if (delta.Reasoning is { Length: > 0 } reasoning && ShowsReasoning(options))
                contents.Add(new TextReasoningContent(reasoning));
            if (delta.Content is { Length: > 0 } content)
                contents.Add(new TextContent(content));
            calls.Add(delta.ToolCalls);
            if (delta.Finish is { } finish)
            {
                // Calls go out whole, as function invocation expects them: arguments stream in pieces.
                contents.AddRange(calls.Complete());
                contents.Add(new UsageContent(ChatRequestMapper.ToUsage(delta.Usage!)));
            }
            if (contents.Count == 0)
                continue;
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = request.RequestId,
                MessageId = request.RequestId,
                ModelId = request.ModelName,
                CreatedAt = created,
                FinishReason = delta.Finish is { } f ? ChatRequestMapper.ToFinishReason(f) : null,
            };
        }
    }

    /// <summary><c>Reasoning.Output = None</c> asks for the answer alone.</summary>
    private static bool ShowsReasoning(ChatOptions? options) => options?.Reasoning?.Output is not ReasoningOutput.None;

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(DynamoRuntime) ? runtime
        : null;

    public void Dispose()
    {
        // The runtime belongs to the host, not to a client of it.
    }
}
