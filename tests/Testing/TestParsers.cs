using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Testing;

/// <summary>
/// Deliberately simple in-process parsers (buffer everything, parse at the end) that prove the
/// host wires parsers into both the one-shot and the streaming path. The real parser families
/// are plugins of their own.
/// </summary>
public sealed class TestThinkParserFactory : IComponentFactory<IReasoningParser>
{
    public string Name => "test-think";

    public IReasoningParser Create(ComponentContext context) => new Parser();

    private sealed class Parser : IReasoningParser
    {
        public ReasoningParseResult Parse(string text)
        {
            var end = text.IndexOf("</think>", StringComparison.Ordinal);
            return end < 0 ? new(null, text) : new(text[..end].Replace("<think>", ""), text[(end + "</think>".Length)..]);
        }

        public IReasoningStreamParser CreateStreamParser() => new Stream(this);

        private sealed class Stream(Parser parser) : IReasoningStreamParser
        {
            private readonly StringBuilder _text = new();

            public ReasoningParseResult Push(string textDelta)
            {
                _text.Append(textDelta);
                return ReasoningParseResult.Empty;
            }

            public ReasoningParseResult Finish() => parser.Parse(_text.ToString());
        }
    }
}

public sealed class TestToolCallParserFactory : IComponentFactory<IToolCallParser>
{
    public string Name => "test-tools";

    public IToolCallParser Create(ComponentContext context) => new Parser();

    private sealed class Parser : IToolCallParser
    {
        public ToolCallParseResult Parse(string text, IReadOnlyList<ToolDefinition> tools)
        {
            const string open = "<call>", close = "</call>";
            var start = text.IndexOf(open, StringComparison.Ordinal);
            var end = text.IndexOf(close, StringComparison.Ordinal);
            if (start < 0 || end < start)
                return ToolCallParseResult.ContentOnly(text);
            var call = JsonDocument.Parse(text[(start + open.Length)..end]).RootElement;
            var content = text[..start] + text[(end + close.Length)..];
            return new(content.Length > 0 ? content : null,
                [new ToolCall("call_0", call.GetProperty("name").GetString()!, call.GetProperty("arguments").GetRawText())]);
        }

        public IToolCallStreamParser CreateStreamParser(IReadOnlyList<ToolDefinition> tools) => new Stream(this, tools);

        private sealed class Stream(Parser parser, IReadOnlyList<ToolDefinition> tools) : IToolCallStreamParser
        {
            private readonly StringBuilder _text = new();

            public ToolCallStreamDelta Push(string textDelta)
            {
                _text.Append(textDelta);
                return ToolCallStreamDelta.Empty;
            }

            public ToolCallStreamDelta Finish()
            {
                var parsed = parser.Parse(_text.ToString(), tools);
                return new(parsed.Content, parsed.ToolCalls.Select((c, i) => new ToolCallChunk(i, c.Id, c.Name, c.ArgumentsJson)).ToList());
            }
        }
    }
}
