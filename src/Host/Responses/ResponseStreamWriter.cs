using System.Text;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Http;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Responses;

/// <summary>
/// Turns deltas into the Responses API's stream: numbered events, one output item open at a time
/// (reasoning, message, each call), each added, filled and done in order, then the whole response.
/// </summary>
internal sealed class ResponseStreamWriter(SseWriter sse, ResponseShape shape, HttpContext context, CancellationToken cancellationToken)
{
    private readonly List<OutputItem> _items = [];
    private readonly StringBuilder _open = new();
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<ToolCall> _calls = [];
    private readonly List<OpenAi.TokenLogprobOut>? _logprobs = shape.WantsLogprobs ? [] : null;
    private string? _kind;
    private string _itemId = "";
    private (int Index, string Id, string Name) _call;
    private int _sequence;

    public async Task StartAsync()
    {
        var response = shape.InProgress();
        await SendAsync(new StreamEvent("response.created", 0, Response: response));
        await SendAsync(new StreamEvent("response.in_progress", 0, Response: response));
    }

    public async Task DeltaAsync(ChatDelta delta)
    {
        if (delta.Reasoning is { Length: > 0 } reasoning)
        {
            if (_kind != "reasoning")
                await OpenAsync("reasoning", new OutputItem(shape.NextItemId("rs"), "reasoning", Summary: []));
            _open.Append(reasoning);
            await SendAsync(shape.Summarized
                ? new StreamEvent("response.reasoning_summary_text.delta", 0, OutputIndex: OutputIndex, ItemId: _itemId, SummaryIndex: 0, Delta: reasoning)
                : new StreamEvent("response.reasoning_text.delta", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Delta: reasoning));
        }
        if (delta.Content is { Length: > 0 } text)
        {
            if (_kind != "message")
                await OpenAsync("message", ResponseShape.Message(shape.NextItemId("msg"), "", "in_progress"));
            _open.Append(text);
            var logprobs = _logprobs is null ? null : OpenAi.ChatLogprobs.From(delta.Logprobs)?.Content ?? [];
            _logprobs?.AddRange(logprobs!);
            await SendAsync(new StreamEvent("response.output_text.delta", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Delta: text, Logprobs: logprobs ?? []));
        }
        foreach (var chunk in delta.ToolCalls ?? [])
        {
            if (chunk.Id is not null || _kind != "call" || _call.Index != chunk.Index)
            {
                await CloseOpenAsync(); // the call before this one closes under its own id and name
                _call = (chunk.Index, chunk.Id ?? "", chunk.Name ?? "");
                await OpenAsync("call", shape.Call(_call.Id, _call.Name, "", "in_progress"));
            }
            if (string.IsNullOrEmpty(chunk.ArgumentsDelta))
                continue;
            _open.Append(chunk.ArgumentsDelta);
            // A custom tool's input is the string inside the arguments: it goes out whole when the call is done.
            if (!shape.IsCustom(_call.Name))
                await SendAsync(new StreamEvent("response.function_call_arguments.delta", 0, OutputIndex: OutputIndex, ItemId: _itemId, Delta: chunk.ArgumentsDelta));
        }
    }

    /// <summary>Closes the open item; returns every item, and the answer's text, reasoning and calls (model-facing names).</summary>
    public async Task<(List<OutputItem> Items, string? Text, string? Reasoning, IReadOnlyList<ToolCall> Calls)> CloseAsync()
    {
        await CloseOpenAsync();
        return (_items, _text.Length > 0 ? _text.ToString() : null, _reasoning.Length > 0 ? _reasoning.ToString() : null, _calls);
    }

    public Task FinishAsync(ResponseObject response) =>
        SendAsync(new StreamEvent(response.Status == "incomplete" ? "response.incomplete" : "response.completed", 0, Response: response));

    private int OutputIndex => _items.Count;

    private async Task OpenAsync(string kind, OutputItem item)
    {
        await CloseOpenAsync();
        (_kind, _itemId) = (kind, item.Id);
        _open.Clear();
        await SendAsync(new StreamEvent("response.output_item.added", 0, OutputIndex: OutputIndex, Item: item));
        if (kind == "reasoning" && shape.Summarized)
            await SendAsync(new StreamEvent("response.reasoning_summary_part.added", 0, OutputIndex: OutputIndex, ItemId: _itemId, SummaryIndex: 0, Part: new OutputContent("summary_text", "")));
        if (kind == "message")
            await SendAsync(new StreamEvent("response.content_part.added", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Part: new OutputContent("output_text", "", [])));
    }

    private async Task CloseOpenAsync()
    {
        if (_kind is null)
            return;
        var text = _open.ToString();
        OutputItem done;
        switch (_kind)
        {
            case "reasoning":
                _reasoning.Append(text);
                if (shape.Summarized)
                {
                    await SendAsync(new StreamEvent("response.reasoning_summary_text.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, SummaryIndex: 0, Text: text));
                    await SendAsync(new StreamEvent("response.reasoning_summary_part.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, SummaryIndex: 0, Part: new OutputContent("summary_text", text)));
                }
                else
                {
                    await SendAsync(new StreamEvent("response.reasoning_text.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Text: text));
                }
                done = shape.Reasoning(_itemId, text);
                break;
            case "message":
                _text.Append(text);
                await SendAsync(new StreamEvent("response.output_text.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Text: text, Logprobs: _logprobs ?? []));
                await SendAsync(new StreamEvent("response.content_part.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, ContentIndex: 0, Part: new OutputContent("output_text", text, [], _logprobs)));
                done = ResponseShape.Message(_itemId, text, "completed", _logprobs is null ? null : [.. _logprobs]);
                _logprobs?.Clear();
                break;
            default:
                _calls.Add(new ToolCall(_call.Id, _call.Name, text));
                done = shape.Call(_call.Id, _call.Name, text, "completed", _itemId);
                if (done.Type == "custom_tool_call")
                {
                    await SendAsync(new StreamEvent("response.custom_tool_call_input.delta", 0, OutputIndex: OutputIndex, ItemId: _itemId, Delta: done.Input));
                    await SendAsync(new StreamEvent("response.custom_tool_call_input.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, Input: done.Input));
                }
                else
                {
                    await SendAsync(new StreamEvent("response.function_call_arguments.done", 0, OutputIndex: OutputIndex, ItemId: _itemId, Arguments: text));
                }
                break;
        }
        await SendAsync(new StreamEvent("response.output_item.done", 0, OutputIndex: OutputIndex, Item: done));
        _items.Add(done);
        _kind = null;
    }

    private async Task SendAsync(StreamEvent streamEvent)
    {
        var numbered = streamEvent with { SequenceNumber = _sequence++ };
        context.Items[ResponsesErrors.SequenceKey] = _sequence;
        await sse.WriteAsync(numbered, ResponsesJson.Context.StreamEvent, cancellationToken, numbered.Type);
    }
}
