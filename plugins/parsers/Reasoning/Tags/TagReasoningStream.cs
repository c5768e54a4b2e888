using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Tags;

internal sealed class TagReasoningStream : IReasoningStreamParser
{
    private readonly TagReasoningSpec _spec;
    private readonly StreamingMarkerMatcher _outside;
    private readonly StreamingMarkerMatcher _inside;
    private bool _reasoning;

    // Begun in reasoning, the model may still write the start marker itself first: it is dropped.
    private bool _startMayOpen;

    // Text after a start marker while it may still be the family's label.
    private string? _label;

    public TagReasoningStream(TagReasoningSpec spec, bool inReasoning)
    {
        _spec = spec;
        // Outside, a stray end marker is dropped; inside, a start marker is text (a thought about tags).
        _outside = new StreamingMarkerMatcher([.. spec.Starts, .. spec.DropsStrayEnds ? spec.Ends : []]);
        _inside = new StreamingMarkerMatcher([.. spec.Ends, .. spec.Exits, .. spec.Starts]);
        _reasoning = _startMayOpen = inReasoning;
        _label = inReasoning ? "" : null;
    }

    public ReasoningParseResult Push(string textDelta)
    {
        var (reasoning, content) = (new StringBuilder(), new StringBuilder());
        var text = textDelta;
        while (text.Length > 0)
        {
            if (_reasoning && _label is not null)
                text = SkipLabel(text);
            if (text.Length == 0)
                break;
            var match = (_reasoning ? _inside : _outside).Push(text);
            (_reasoning ? reasoning : content).Append(match.Release);
            if (match.Release.Trim().Length > 0)
                _startMayOpen = false;
            if (match.Marker is not { } marker)
                break;
            text = match.Rest;
            if (!_reasoning)
            {
                if (_spec.Starts.Contains(marker))
                    Enter(reasoning: true);
            }
            else if (_spec.Ends.Contains(marker))
                Enter(reasoning: false);
            else if (_spec.Exits.Contains(marker))
            {
                Enter(reasoning: false);
                content.Append(marker);
            }
            else if (_startMayOpen)
            {
                _startMayOpen = false;
                _label = "";
            }
            else
                reasoning.Append(marker);
        }
        return ReasoningAccumulator.Delta(reasoning, content);
    }

    public ReasoningParseResult Finish()
    {
        var held = (_label ?? "") + (_reasoning ? _inside : _outside).Flush();
        _label = null;
        if (held.Length == 0)
            return ReasoningParseResult.Empty;
        return _reasoning ? new(held, null) : new(null, held);
    }

    private void Enter(bool reasoning)
    {
        _reasoning = reasoning;
        _startMayOpen = false;
        _label = reasoning ? "" : null;
    }

    // Holds the text after a start marker while it could still be the label; drops the label once whole.
    private string SkipLabel(string text)
    {
        var label = _spec.Label;
        var held = _label + text;
        if (label.Length == 0 || !(label.StartsWith(held, StringComparison.Ordinal) || held.StartsWith(label, StringComparison.Ordinal)))
        {
            _label = null;
            return held;
        }
        if (held.Length < label.Length)
        {
            _label = held;
            return "";
        }
        _label = null;
        return held[label.Length..];
    }
}
