using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Harmony;

internal sealed class HarmonyReasoningStream : IReasoningStreamParser
{
    private static readonly string[] BodyEnds = ["<|end|>", "<|return|>", "<|call|>"];

    private enum Body
    {
        Reasoning,
        Content,
        ToolCall,
    }

    // Text before the first message, while it may still turn out to be a header.
    private bool _atStart = true;
    private readonly StringBuilder _header = new();
    private Body? _body;

    // Several messages of one side are joined with a newline.
    private bool _sawReasoning;
    private bool _sawContent;

    // A call's envelope and arguments, held until <|call|> ends it: a message cut short is no call.
    private readonly StringBuilder _call = new();
    private StreamingMarkerMatcher _matcher = new(["<|message|>"]);

    public ReasoningParseResult Push(string textDelta)
    {
        var (reasoning, content) = (new StringBuilder(), new StringBuilder());
        var text = textDelta;
        while (text.Length > 0)
        {
            if (_atStart)
            {
                // Output that does not open with harmony framing is plain content.
                var trimmed = (_header + text).TrimStart();
                if (trimmed.Length < 2 && "<|".StartsWith(trimmed, StringComparison.Ordinal))
                {
                    _header.Append(text);
                    break;
                }
                _atStart = false;
                if (!trimmed.StartsWith("<|", StringComparison.Ordinal))
                {
                    (_body, _matcher) = (Body.Content, new StreamingMarkerMatcher(BodyEnds));
                    text = _header + text;
                    _header.Clear();
                    continue;
                }
            }
            var match = _matcher.Push(text);
            (_body switch
            {
                null => _header,
                Body.Reasoning => reasoning,
                Body.ToolCall => _call,
                _ => content,
            }).Append(match.Release);
            if (match.Marker is null)
                break;
            text = match.Rest;
            if (_body is null)
                Open(reasoning, content);
            else
                Close(content, match.Marker);
        }
        return ReasoningAccumulator.Delta(reasoning, content);
    }

    public ReasoningParseResult Finish() => Finish(atStopToken: false);

    // gpt-oss ends a call with <|call|>, a stop token the engine does not show: stopping there inside a call completes it.
    public ReasoningParseResult Finish(bool atStopToken)
    {
        var held = _matcher.Flush();
        if (_body == Body.ToolCall)
            return atStopToken ? new(null, _call.Append(held).Append("<|call|>").ToString()) : ReasoningParseResult.Empty;
        if (_body is null || held.Length == 0)
            return _atStart && _header.ToString().Trim().Length > 0 ? new(null, _header.ToString()) : ReasoningParseResult.Empty;
        return _body == Body.Reasoning ? new(held, null) : new(null, held);
    }

    // The header is complete ("<|message|>" arrived): which channel, and to whom. A message to a
    // recipient is a tool call on any channel; analysis is reasoning; final, commentary and any
    // other channel are content.
    private void Open(StringBuilder reasoning, StringBuilder content)
    {
        var header = _header.ToString();
        _header.Clear();
        var channel = Word(header, "<|channel|>");
        var recipient = Word(header, "to=");
        if (recipient.Length > 0)
        {
            _body = Body.ToolCall;
            _call.Clear().Append("<|channel|>commentary to=").Append(recipient).Append(" <|constrain|>json<|message|>");
        }
        else if (channel == "analysis")
        {
            _body = Body.Reasoning;
            if (_sawReasoning)
                reasoning.Append('\n');
            _sawReasoning = true;
        }
        else
        {
            _body = Body.Content;
            if (_sawContent)
                content.Append('\n');
            _sawContent = true;
        }
        _matcher = new StreamingMarkerMatcher(BodyEnds);
    }

    // A call is handed on with its end only when the model ended it so: a message cut short is no call.
    private void Close(StringBuilder content, string end)
    {
        if (_body == Body.ToolCall && end == "<|call|>")
            content.Append(_call).Append("<|call|>");
        _body = null;
        _matcher = new StreamingMarkerMatcher(["<|message|>"]);
    }

    private static string Word(string header, string key)
    {
        var at = header.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
            return "";
        var start = at + key.Length;
        var end = start;
        while (end < header.Length && !char.IsWhiteSpace(header[end]) && header[end] != '<')
            end++;
        return header[start..end];
    }
}
