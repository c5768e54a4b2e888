using System.Text;
using Dynamo.Abstractions.Parsing;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Harmony;

/// <summary>
/// gpt-oss's harmony messages, read whole: <c>&lt;|start|&gt;assistant&lt;|channel|&gt;CHANNEL [to=RECIPIENT] [&lt;|constrain|&gt;json]&lt;|message|&gt;BODY END</c>.
/// A message to <c>functions.NAME</c> that ends with <c>&lt;|call|&gt;</c> is a call (held until then:
/// a message cut short, or ended otherwise, is none). Final and commentary messages without a recipient,
/// and text outside messages, are content; analysis (reasoning) and messages to built-in tools
/// (<c>browser.search</c>, <c>python</c>) are dropped, and no framing reaches the content. The same
/// reader takes the envelopes the <c>gpt_oss</c> reasoning parser hands on.
/// </summary>
internal sealed class HarmonyToolCallStream(Random random) : IToolCallStreamParser
{
    private static readonly string[] Framing = ["<|start|>", "<|channel|>", "<|message|>", "<|end|>", "<|return|>", "<|call|>"];
    private static readonly string[] BodyEnds = ["<|end|>", "<|return|>", "<|call|>"];
    private const string FunctionPrefix = "functions.";

    private enum Place
    {
        Outside,
        Header,
        Content,
        Call,
        Dropped,
    }

    private Place _place = Place.Outside;
    private StreamingMarkerMatcher _matcher = new(Framing);
    private readonly StringBuilder _header = new();

    // The header as written, framing included: a header the output never finished is given back as text.
    private readonly StringBuilder _raw = new();

    // Right after a message ends, a bare channel name before the next framing is a header the model half-wrote.
    private bool _afterMessage;
    private string _filler = "";
    private readonly StringBuilder _arguments = new();
    private string _function = "";
    private int _nextIndex;

    public ToolCallStreamDelta Push(string textDelta)
    {
        var (content, calls) = (new StringBuilder(), new List<ToolCallChunk>());
        var text = textDelta;
        while (text.Length > 0)
        {
            var match = _matcher.Push(text);
            Take(match.Release, content);
            if (match.Marker is not { } marker)
                break;
            text = match.Rest;
            At(marker, calls, content);
        }
        return Delta(content, calls);
    }

    public ToolCallStreamDelta Finish() => Finish(atStopToken: false);

    // The engine hides the stop token that ended the output: inside a call, that was its <|call|>.
    public ToolCallStreamDelta Finish(bool atStopToken)
    {
        var (content, calls) = (new StringBuilder(), new List<ToolCallChunk>());
        Take(_matcher.Flush(), content);
        if (_place == Place.Call && atStopToken)
            Call(calls);
        if (_place == Place.Header)
            content.Append(_raw); // never a message: what the model wrote, as it wrote it
        content.Append(_filler);
        (_place, _afterMessage, _filler) = (Place.Outside, false, "");
        return Delta(content, calls);
    }

    private void Take(string text, StringBuilder content)
    {
        switch (_place)
        {
            case Place.Outside when _afterMessage:
                Filler(text, content);
                break;
            case Place.Outside or Place.Content:
                content.Append(text);
                break;
            case Place.Header:
                _header.Append(text);
                _raw.Append(text);
                break;
            case Place.Call:
                _arguments.Append(text);
                break;
        }
    }

    private void At(string marker, List<ToolCallChunk> calls, StringBuilder content)
    {
        if (_place is Place.Content or Place.Call or Place.Dropped)
        {
            // Only a body end comes here (the body's matcher looks for nothing else).
            if (_place == Place.Call && marker == "<|call|>")
                Call(calls);
            Enter(Place.Outside);
            _afterMessage = true;
            return;
        }
        // Framing follows: a held channel name was filler; anything else held is text.
        if (_afterMessage && !(marker is "<|start|>" or "<|channel|>" && Channels.Contains(_filler)))
            content.Append(_filler);
        (_afterMessage, _filler) = (false, "");
        if (_place == Place.Header)
            _raw.Append(marker);
        switch (marker)
        {
            case "<|start|>":
                Enter(Place.Header);
                _raw.Append(marker);
                break;
            case "<|channel|>":
                if (_place == Place.Outside)
                {
                    Enter(Place.Header);
                    _raw.Append(marker);
                }
                _header.Append(marker);
                break;
            case "<|message|>":
                Open();
                break;
            default:
                Enter(Place.Outside); // a stray end: framing, never content
                break;
        }
    }

    private void Enter(Place place)
    {
        if (place == Place.Header)
        {
            _header.Clear();
            _raw.Clear();
        }
        _place = place;
        _matcher = new StreamingMarkerMatcher(place is Place.Content or Place.Call or Place.Dropped ? BodyEnds : Framing);
    }

    // The header is whole: the message's channel and recipient say where its body goes.
    private void Open()
    {
        var header = _header.ToString();
        var recipient = Word(header, "to=");
        var channel = Word(header, "<|channel|>");
        if (recipient.StartsWith(FunctionPrefix, StringComparison.Ordinal) && recipient.Length > FunctionPrefix.Length)
        {
            _function = recipient[FunctionPrefix.Length..];
            _arguments.Clear();
            Enter(Place.Call);
        }
        else
            Enter(recipient.Length > 0 || channel == "analysis" ? Place.Dropped : Place.Content);
    }

    private static readonly string[] Channels = ["analysis", "commentary", "final"];

    // Holds text after a message while it may still be a bare channel name; the framing that follows decides.
    private void Filler(string text, StringBuilder content)
    {
        var held = _filler + text;
        if (Channels.Any(c => c.StartsWith(held, StringComparison.Ordinal)))
        {
            _filler = held;
            return;
        }
        (_afterMessage, _filler) = (false, "");
        content.Append(held);
    }

    // The arguments as the model wrote them (none is none: an empty body gives empty arguments).
    private void Call(List<ToolCallChunk> calls) =>
        calls.Add(new ToolCallChunk(_nextIndex++, "call_" + Ids.Random(random, 24), _function, _arguments.ToString().Trim()));

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

    private static ToolCallStreamDelta Delta(StringBuilder content, List<ToolCallChunk> calls) =>
        content.Length == 0 && calls.Count == 0 ? ToolCallStreamDelta.Empty : new(content.Length > 0 ? content.ToString() : null, calls);
}
