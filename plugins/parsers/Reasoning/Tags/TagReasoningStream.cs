using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Tags;

internal sealed class TagReasoningStream(string start, string end, bool forced) : IReasoningStreamParser
{
    private enum State
    {
        BeforeStart,
        Reasoning,
        Content,
    }

    private State _state = forced ? State.Reasoning : State.BeforeStart;

    // A forced parser still takes an opening tag the model writes itself at the very start.
    private bool _startMayOpen = true;
    private StreamingMarkerMatcher _matcher = new(forced ? [start, end] : [start]);

    public ReasoningParseResult Push(string textDelta)
    {
        var (reasoning, content) = (new StringBuilder(), new StringBuilder());
        var text = textDelta;
        while (text.Length > 0)
        {
            if (_state == State.Content)
            {
                content.Append(text);
                break;
            }
            var match = _matcher.Push(text);
            (_state == State.Reasoning ? reasoning : content).Append(match.Release);
            if (match.Release.Length > 0 && !string.IsNullOrWhiteSpace(match.Release))
                _startMayOpen = false;
            if (match.Marker is null)
                break;
            text = match.Rest;
            if (match.Marker == end && _state == State.Reasoning)
                Enter(State.Content);
            else if (match.Marker == start && _state == State.BeforeStart)
                Enter(State.Reasoning);
            else if (match.Marker == start && _startMayOpen && reasoning.ToString().Trim().Length == 0)
                Enter(State.Reasoning); // a forced parser's own opening tag: dropped
            else
                reasoning.Append(match.Marker);
        }
        return ReasoningAccumulator.Delta(reasoning, content);
    }

    public ReasoningParseResult Finish()
    {
        var held = _matcher.Flush();
        return _state == State.Reasoning ? new(held.Length > 0 ? held : null, null) : new(null, held.Length > 0 ? held : null);
    }

    private void Enter(State state)
    {
        _state = state;
        _startMayOpen = false;
        _matcher = new StreamingMarkerMatcher([end]);
    }
}
