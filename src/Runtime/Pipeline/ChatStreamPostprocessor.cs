using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// The postprocess stage for a streamed chat: text goes through the reasoning parser, then what
/// is content goes through the tool-call parser, and the result becomes a <see cref="ChatDelta"/>.
/// </summary>
internal sealed class ChatStreamPostprocessor(PreparedRequest request)
{
    private readonly IReasoningStreamParser? _reasoning = request.Model.ReasoningParser?.CreateStreamParser(new ReasoningRequest(request.Chat?.Kwargs));
    private readonly IToolCallStreamParser? _tools = request.ParseToolCalls ? request.Model.ToolCallParser?.CreateStreamParser(request.Tools) : null;

    // With tool_choice naming a function: an answer that opens with '{' is held to the end, when
    // it may turn out to be that function's arguments (see ForcedFunctionCall).
    private readonly StringBuilder? _held = request.ForcedFunction is null ? null : new StringBuilder();
    private bool _holding = true;
    private bool _opened;

    public bool SawToolCalls { get; private set; }

    /// <returns>The delta to send, or null when nothing is ready yet.</returns>
    public ChatDelta? Push(string text) => Delta(_reasoning is null ? new ReasoningParseResult(null, text) : _reasoning.Push(text), finish: false, atStopToken: false);

    /// <returns>Whatever the parsers held back, or null.</returns>
    /// <param name="atStopToken">The engine stopped at a stop token (not a stop string, nor a length limit).</param>
    public ChatDelta? Finish(bool atStopToken) => Delta(_reasoning?.Finish(atStopToken) ?? ReasoningParseResult.Empty, finish: true, atStopToken);

    private ChatDelta? Delta(ReasoningParseResult reasoned, bool finish, bool atStopToken)
    {
        var content = reasoned.Content;
        IReadOnlyList<ToolCallChunk>? calls = null;
        if (_tools is not null)
        {
            var parsed = content is { Length: > 0 } ? _tools.Push(content) : ToolCallStreamDelta.Empty;
            if (finish)
                parsed = Merge(parsed, _tools.Finish(atStopToken));
            content = parsed.Content;
            if (parsed.Calls.Count > 0)
            {
                SawToolCalls = true;
                calls = parsed.Calls;
            }
        }
        if (_held is not null)
            content = HoldForForcedFunction(content, finish, ref calls);
        var delta = new ChatDelta(string.IsNullOrEmpty(content) ? null : content, string.IsNullOrEmpty(reasoned.Reasoning) ? null : reasoned.Reasoning, calls);
        return delta.IsEmpty ? null : delta;
    }

    private string? HoldForForcedFunction(string? content, bool finish, ref IReadOnlyList<ToolCallChunk>? calls)
    {
        if (!_holding || SawToolCalls)
        {
            _holding = false;
            return _held!.Length > 0 ? Release(content) : content;
        }
        _held!.Append(content);
        // Only the first character that is not whitespace decides; once it is '{', the rest is just held.
        if (!_opened && content?.TrimStart() is { Length: > 0 } start)
        {
            if (start[0] != '{')
            {
                _holding = false;
                return Release(null);
            }
            _opened = true;
        }
        if (!finish)
            return null;
        _holding = false;
        if (ForcedFunctionCall.From(request.ForcedFunction!, _held.ToString()) is not { } call)
            return Release(null);
        SawToolCalls = true;
        calls = [new ToolCallChunk(0, call.Id, call.Name, call.ArgumentsJson)];
        _held.Clear();
        return null;
    }

    private string Release(string? more)
    {
        var text = _held!.Append(more).ToString();
        _held.Clear();
        return text;
    }

    private static ToolCallStreamDelta Merge(ToolCallStreamDelta a, ToolCallStreamDelta b) =>
        new(a.Content + b.Content is { Length: > 0 } c ? c : null, [.. a.Calls, .. b.Calls]);
}
