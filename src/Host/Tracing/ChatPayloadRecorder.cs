using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Chat;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Host.Tracing;

/// <summary>
/// The request trace's <c>request_payload</c> record of one chat completion: the body as the client
/// sent it, the response as a <c>chat.completion</c> (a stream's deltas put together), and the
/// request headers on <c>DYN_REQUEST_TRACE_HTTP_HEADER_CAPTURE_LIST</c>. A request that fails or is
/// cancelled keeps its body and is marked incomplete with the reason.
/// </summary>
internal sealed class ChatPayloadRecorder(RequestTracer tracer, HttpRequest http, JsonElement body, long receivedUnixMs)
{
    private sealed class Choice
    {
        public readonly StringBuilder Content = new(), Reasoning = new();
        public readonly ToolCallAccumulator Calls = new();
        public string? Finish;
    }

    private readonly SortedDictionary<int, Choice> _choices = [];
    private readonly List<EngineUsage> _usages = [];
    private JsonElement? _response;

    /// <summary>A recorder when the trace keeps payloads, else null.</summary>
    public static ChatPayloadRecorder? Start(RequestTracer? tracer, HttpRequest http, JsonElement? body, TimeProvider clock) =>
        tracer?.Wants(TraceRecordKinds.RequestPayload) == true && body is { } b ? new(tracer, http, b, clock.GetUtcNow().ToUnixTimeMilliseconds()) : null;

    /// <summary>A unary response, as sent.</summary>
    public void Respond(ChatCompletionResponse response) => _response = JsonSerializer.SerializeToElement(response, OpenAiJson.Context.ChatCompletionResponse);

    /// <summary>One streamed delta of choice <paramref name="index"/>.</summary>
    public void Delta(int index, ChatDelta delta)
    {
        if (!_choices.TryGetValue(index, out var choice))
            _choices[index] = choice = new Choice();
        choice.Content.Append(delta.Content);
        choice.Reasoning.Append(delta.Reasoning);
        choice.Calls.Add(delta.ToolCalls);
        choice.Finish = delta.Finish is { } finish ? FinishReasons.Name(finish) : choice.Finish;
        if (delta.Usage is { } usage)
            _usages.Add(usage);
    }

    /// <summary>The stream ended: its deltas become the <c>chat.completion</c> a unary request would have got.</summary>
    public void Streamed(string id, long created, string model) => Respond(new ChatCompletionResponse(id, created, model,
        [.. _choices.Select(c => new ChatChoice(c.Key, new ChatMessageOut("assistant", c.Value.Content.ToString(), c.Value.Reasoning.Length > 0 ? c.Value.Reasoning.ToString() : null,
            c.Value.Calls.Calls is { Count: > 0 } calls ? [.. calls.Select(t => new ToolCallOut(null, t.Id, "function", new FunctionOut(t.Name, t.Arguments)))] : null),
            c.Value.Finish))],
        _usages.Count > 0 ? Usage.From(Usage.Sum(_usages)) : null));

    /// <summary>Records the payload; without a response it is incomplete (<paramref name="cancelled"/>: the client went away).</summary>
    public void Finish(string requestId, string model, bool cancelled)
    {
        var options = tracer.Options;
        var headers = options.HttpHeaderCaptureList
            .Where(h => http.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => string.Join(", ", http.Headers[h].ToArray()));
        tracer.Record(new TraceEvent(TraceRecordKinds.RequestPayload, receivedUnixMs, "dynamo", null, Payload: new PayloadTrace(
            requestId, "openai.chat_completion", model, body, _response, headers.Count > 0 ? headers : null, _response is not null,
            _response is not null ? null : cancelled ? "response_stream_dropped" : "request_failed")));
    }
}
