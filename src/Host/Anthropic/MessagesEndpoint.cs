using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Http;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime;
using Dynamo.Runtime.Pipeline;
using Microsoft.Extensions.Options;

namespace Dynamo.Host.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c> (Claude Code adds <c>?beta=true</c>) and <c>POST /v1/messages/count_tokens</c>:
/// Anthropic's Messages API on the runtime, whole or as Anthropic's typed stream.
/// </summary>
internal sealed class MessagesEndpoint(RequestBodyReader reader, DynamoRuntime runtime, IOptions<AnthropicOptions> options, ILogger<MessagesEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, AnthropicJson.Context.MessagesRequest, cancellationToken);
        var chat = AnthropicRequests.ToChat(body, options.Value, runtime.Efforts, requireMaxTokens: true, out var ignored);
        FrontDoor.ReportIgnoredTools(context, ignored, logger, "server");
        var (metadata, identity) = SessionHeaders.Apply(context.Request, chat.Metadata);
        var request = runtime.PrepareChat(chat with { Metadata = metadata });
        var stream = body.Stream ?? false;
        var info = new RequestInfo("messages", stream, context.Request.Headers["x-request-id"].FirstOrDefault(), identity);
        var id = MessageId(request.RequestId);
        if (!stream)
        {
            var result = await runtime.CompleteChatAsync(request, info, cancellationToken);
            var content = new List<ContentBlockOut>();
            if (result.Reasoning is { Length: > 0 } reasoning)
                content.Add(new ContentBlockOut("thinking", Thinking: reasoning, Signature: Signature(reasoning)));
            if (result.Content is { Length: > 0 } text)
                content.Add(new ContentBlockOut("text", Text: text));
            content.AddRange(result.ToolCalls.Select(ToolUse));
            await context.Response.WriteAsJsonAsync(new MessageOut(id, result.Model, content, StopReason(result.Finish, result.StopSequence), result.StopSequence,
                Usage(result.Usage)), AnthropicJson.Context.MessageOut, cancellationToken: cancellationToken);
            return;
        }

        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        await using var pings = sse.KeepAlive(TimeSpan.FromSeconds(options.Value.PingIntervalSeconds), () => Send(new TypeOnlyEvent("ping"), AnthropicJson.Context.TypeOnlyEvent, "ping"), cancellationToken);
        await Send(new MessageStartEvent(new MessageOut(id, request.ModelName, [], null, null, new UsageOut(request.PromptTokens, 0, 0, 0))),
            AnthropicJson.Context.MessageStartEvent, "message_start");
        var blocks = new BlockWriter(sse, cancellationToken);
        await foreach (var delta in runtime.StreamChatAsync(request, info, cancellationToken))
        {
            if (delta.Reasoning is { Length: > 0 } reasoning)
                await blocks.ThinkingAsync(reasoning);
            if (delta.Content is { Length: > 0 } text)
                await blocks.TextAsync(text);
            foreach (var call in delta.ToolCalls ?? [])
                await blocks.ToolCallAsync(call.Index, call.Id, call.Name, call.ArgumentsDelta);
            if (delta.Finish is not { } finish)
                continue;
            await blocks.CloseAsync();
            await Send(new MessageDeltaEvent(new MessageDelta(StopReason(finish, delta.StopSequence), delta.StopSequence), Usage(delta.Usage!)),
                AnthropicJson.Context.MessageDeltaEvent, "message_delta");
            await Send(new TypeOnlyEvent("message_stop"), AnthropicJson.Context.TypeOnlyEvent, "message_stop");
        }

        Task Send<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string name) => sse.WriteAsync(value, typeInfo, cancellationToken, name);
    }

    /// <summary><c>POST /v1/messages/count_tokens</c>: the prompt's tokens, as the template and tokenizer would make them.</summary>
    public async Task CountTokensAsync(HttpContext context)
    {
        var body = await reader.ReadAsync(context.Request, AnthropicJson.Context.MessagesRequest, context.RequestAborted);
        var chat = AnthropicRequests.ToChat(body, options.Value, runtime.Efforts, requireMaxTokens: false, out var ignored);
        FrontDoor.ReportIgnoredTools(context, ignored, logger, "server");
        await context.Response.WriteAsJsonAsync(new CountTokensOut(runtime.TokenizeChat(chat).Tokens.Length),
            AnthropicJson.Context.CountTokensOut, cancellationToken: context.RequestAborted);
    }

    public static string MessageId(string requestId) => "msg_" + requestId[(requestId.IndexOf('-') + 1)..];

    /// <summary>Our own opaque signature of a thinking block (a hash of its text); sent back, it is accepted unchanged.</summary>
    public static string Signature(string thinking) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(thinking)));

    private static ContentBlockOut ToolUse(ToolCall call) => new("tool_use", Id: call.Id, Name: call.Name, Input: Input(call.ArgumentsJson));

    /// <summary>A call's arguments as the object Anthropic's <c>input</c> must be; text that is not one is kept under <c>"arguments"</c>.</summary>
    public static JsonElement Input(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                return document.RootElement.Clone();
        }
        catch (JsonException)
        {
        }
        return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["arguments"] = arguments }, AnthropicJson.Context.DictionaryStringString);
    }

    public static string StopReason(FinishReason finish, string? stopSequence) => finish switch
    {
        FinishReason.ToolCalls => "tool_use",
        FinishReason.Length => "max_tokens",
        _ => stopSequence is null ? "end_turn" : "stop_sequence",
    };

    /// <summary>Anthropic counts cache reads apart from <c>input_tokens</c>.</summary>
    public static UsageOut Usage(EngineUsage usage) => new(usage.PromptTokens - usage.CachedTokens, usage.CompletionTokens, usage.CachedTokens, 0);

    /// <summary>Turns deltas into Anthropic's content blocks: one open at a time, each started, filled and stopped in order.</summary>
    private static readonly JsonElement EmptyInput = JsonSerializer.SerializeToElement(new Dictionary<string, string>(), AnthropicJson.Context.DictionaryStringString);

    private sealed class BlockWriter(SseWriter sse, CancellationToken cancellationToken)
    {
        private readonly StringBuilder _thinking = new();
        private int _index = -1;
        private string? _open;
        private int _toolCall = -1;

        public async Task ThinkingAsync(string text)
        {
            await OpenAsync("thinking", new ContentBlockOut("thinking", Thinking: "", Signature: ""));
            _thinking.Append(text);
            await DeltaAsync(new BlockDelta("thinking_delta", Thinking: text));
        }

        public async Task TextAsync(string text)
        {
            await OpenAsync("text", new ContentBlockOut("text", Text: ""));
            await DeltaAsync(new BlockDelta("text_delta", Text: text));
        }

        public async Task ToolCallAsync(int index, string? id, string? name, string? arguments)
        {
            if (id is not null || _open != "tool_use" || _toolCall != index)
            {
                await CloseAsync();
                _toolCall = index;
                await OpenAsync("tool_use", new ContentBlockOut("tool_use", Id: id, Name: name, Input: EmptyInput));
            }
            if (!string.IsNullOrEmpty(arguments))
                await DeltaAsync(new BlockDelta("input_json_delta", PartialJson: arguments));
        }

        public async Task CloseAsync()
        {
            if (_open is null)
                return;
            if (_open == "thinking")
            {
                await DeltaAsync(new BlockDelta("signature_delta", Signature: Signature(_thinking.ToString())));
                _thinking.Clear();
            }
            await sse.WriteAsync(new ContentBlockStopEvent(_index), AnthropicJson.Context.ContentBlockStopEvent, cancellationToken, "content_block_stop");
            _open = null;
        }

        private async Task OpenAsync(string kind, ContentBlockOut block)
        {
            if (_open == kind && kind != "tool_use")
                return;
            await CloseAsync();
            (_open, _index) = (kind, _index + 1);
            await sse.WriteAsync(new ContentBlockStartEvent(_index, block), AnthropicJson.Context.ContentBlockStartEvent, cancellationToken, "content_block_start");
        }

        private Task DeltaAsync(BlockDelta delta) =>
            sse.WriteAsync(new ContentBlockDeltaEvent(_index, delta), AnthropicJson.Context.ContentBlockDeltaEvent, cancellationToken, "content_block_delta");
    }
}
