using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>
/// The streaming parser every family shares: the shared <see cref="StreamingMarkerMatcher"/>
/// releases content up to a start marker; the family's <see cref="IToolCallFormat"/> reads the
/// section after it, and each call is streamed as soon as its name is known, its arguments as
/// they grow. Whitespace between calls is dropped; other text after a call is content.
/// </summary>
internal sealed class ToolCallStream(IToolCallFormat format, Random random) : IToolCallStreamParser
{
    private readonly StreamingMarkerMatcher _matcher = new([.. format.StartMarkers, .. format.InlineStarts]);
    private readonly List<(int Index, int Sent)> _sectionCalls = [];
    private StringBuilder? _section;
    private string _marker = "";
    private bool _afterSection;
    private bool _sawCalls;
    private string _gap = "";
    private int _nextIndex;

    public ToolCallStreamDelta Push(string textDelta)
    {
        var output = new Output();
        Feed(textDelta, output);
        return output.ToDelta();
    }

    public ToolCallStreamDelta Finish()
    {
        var output = new Output();
        while (_section is not null)
            Feed(ScanSection(final: true, output), output);
        Content(_matcher.Flush(), output);
        _gap = "";
        return output.ToDelta();
    }

    private void Feed(string text, Output output)
    {
        while (text.Length > 0)
        {
            if (_section is not null)
            {
                _section.Append(text);
                text = ScanSection(final: false, output);
                continue;
            }
            var match = _matcher.Push(text);
            Content(match.Release, output);
            if (match.Marker is null)
                return;
            Open(match.Marker);
            text = match.Rest;
        }
    }

    private void Open(string marker)
    {
        var inline = format.InlineStarts.Contains(marker);
        (_section, _marker, _gap) = (new StringBuilder(inline ? marker : ""), marker, "");
        _sectionCalls.Clear();
    }

    /// <returns>Text after the section when it closed (to be read as content), else "".</returns>
    private string ScanSection(bool final, Output output)
    {
        var text = _section!.ToString();
        var scan = format.Scan(_marker, text, final);
        for (var k = 0; k < scan.Calls.Count; k++)
        {
            var call = scan.Calls[k];
            if (k == _sectionCalls.Count)
            {
                var index = _nextIndex++;
                output.Calls.Add(new ToolCallChunk(index, call.Id ?? format.NewId(random), call.Name, call.Arguments));
                _sectionCalls.Add((index, call.Arguments.Length));
                continue;
            }
            var (i, sent) = _sectionCalls[k];
            if (call.Arguments.Length > sent)
            {
                output.Calls.Add(new ToolCallChunk(i, null, null, call.Arguments[sent..]));
                _sectionCalls[k] = (i, call.Arguments.Length);
            }
        }
        if (scan.Failed && scan.Calls.Count == 0)
        {
            // Not a tool call after all: the marker is text, and what followed is read again as content.
            _section = null;
            if (format.InlineStarts.Contains(_marker))
            {
                Content(_marker, output);
                return text[_marker.Length..];
            }
            if (format.MarkerIsContent)
                Content(_marker, output);
            return text;
        }
        _sawCalls |= scan.Calls.Count > 0;
        if (scan.End < 0 && !final)
            return "";
        _section = null;
        _afterSection = true;
        return scan.End < 0 ? "" : text[scan.End..];
    }

    private void Content(string text, Output output)
    {
        if (text.Length == 0 || (_sawCalls && format.DropsTextAfterCalls))
            return;
        if (_afterSection && string.IsNullOrWhiteSpace(text))
        {
            _gap += text; // dropped if another call or the end follows
            return;
        }
        output.Content.Append(_gap).Append(text);
        (_gap, _afterSection) = ("", false);
    }

    private sealed class Output
    {
        public StringBuilder Content { get; } = new();

        public List<ToolCallChunk> Calls { get; } = [];

        public ToolCallStreamDelta ToDelta() => Content.Length == 0 && Calls.Count == 0 ? ToolCallStreamDelta.Empty : new(Content.Length > 0 ? Content.ToString() : null, Calls);
    }
}
