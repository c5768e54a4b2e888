using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Acme.ToolCallParser;

/// <summary>
/// Acme's models call tools as <c>&lt;call name="NAME"&gt;{json}&lt;/call&gt;</c>. Content streams
/// through the shared <see cref="StreamingMarkerMatcher"/>, which holds back only what could
/// still be a marker; a call is emitted whole when its end tag arrives.
/// </summary>
public sealed class AcmeToolCallParser : IToolCallParser
{
    public ToolCallParseResult Parse(string text, IReadOnlyList<ToolDefinition> tools)
    {
        // One-shot is the stream fed everything at once, so the two can never disagree.
        var stream = CreateStreamParser(tools);
        var (first, last) = (stream.Push(text), stream.Finish());
        var calls = first.Calls.Concat(last.Calls).Select(c => new ToolCall(c.Id!, c.Name!, c.ArgumentsDelta!)).ToList();
        var content = first.Content + last.Content;
        return new ToolCallParseResult(content.Length > 0 ? content : null, calls);
    }

    public IToolCallStreamParser CreateStreamParser(IReadOnlyList<ToolDefinition> tools) => new Stream();

    private sealed class Stream : IToolCallStreamParser
    {
        private const string Open = "<call name=\"", Close = "</call>";
        private readonly StreamingMarkerMatcher _start = new([Open]);
        private StringBuilder? _call;
        private int _calls;

        public ToolCallStreamDelta Push(string textDelta)
        {
            var (content, calls) = (new StringBuilder(), new List<ToolCallChunk>());
            var text = textDelta;
            while (text.Length > 0)
            {
                if (_call is null)
                {
                    var match = _start.Push(text);
                    content.Append(match.Release);
                    if (match.Marker is null)
                        break;
                    _call = new StringBuilder();
                    text = match.Rest;
                    continue;
                }
                _call.Append(text);
                var body = _call.ToString();
                var end = body.IndexOf(Close, StringComparison.Ordinal);
                if (end < 0)
                    break;
                text = body[(end + Close.Length)..];
                _call = null;
                if (TryRead(body[..end]) is { } call)
                    calls.Add(call);
                else
                    content.Append(Open).Append(body[..(end + Close.Length)]); // not a call: keep the text
            }
            return new ToolCallStreamDelta(content.Length > 0 ? content.ToString() : null, calls);
        }

        public ToolCallStreamDelta Finish()
        {
            var rest = _call is null ? _start.Flush() : Open + _call;
            _call = null;
            return ToolCallStreamDelta.Text(rest.Length > 0 ? rest : null);
        }

        // name">{json}
        private ToolCallChunk? TryRead(string body)
        {
            var quote = body.IndexOf("\">", StringComparison.Ordinal);
            if (quote <= 0)
                return null;
            var arguments = body[(quote + 2)..].Trim();
            try
            {
                using var _ = JsonDocument.Parse(arguments);
            }
            catch (JsonException)
            {
                return null;
            }
            return new ToolCallChunk(_calls++, $"call_acme_{Guid.NewGuid():N}", body[..quote], arguments);
        }
    }
}
