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
            if (_body is null)
                _header.Append(match.Release);
            else
                (_body == Body.Reasoning ? reasoning : content).Append(match.Release);
            if (match.Marker is null)
                break;
            text = match.Rest;
            if (_body is null)
                Open(content);
            else
                Close(content);
        }
        return ReasoningAccumulator.Delta(reasoning, content);
    }

    public ReasoningParseResult Finish()
    {
        var held = _matcher.Flush();
        if (_body is null || held.Length == 0)
            return _atStart && _header.ToString().Trim().Length > 0 ? new(null, _header.ToString()) : ReasoningParseResult.Empty;
        return _body == Body.Reasoning ? new(held, null) : new(null, held);
    }

    // The header is complete ("<|message|>" arrived): which channel, and to whom.
    private void Open(StringBuilder content)
    {
        var header = _header.ToString();
        _header.Clear();
        var channel = Word(header, "<|channel|>");
        var recipient = Word(header, "to=");
        if (channel == "analysis")
            _body = Body.Reasoning;
        else if (recipient.Length > 0)
        {
            _body = Body.ToolCall;
            content.Append("<|channel|>commentary to=").Append(recipient).Append(" <|constrain|>json<|message|>");
        }
        else
            _body = Body.Content;
        _matcher = new StreamingMarkerMatcher(BodyEnds);
    }

    private void Close(StringBuilder content)
    {
        if (_body == Body.ToolCall)
            content.Append("<|call|>");
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
