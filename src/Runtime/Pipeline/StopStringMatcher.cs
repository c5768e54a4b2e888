using System.Text;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Finds the request's stop strings in streamed text. Text that could be the start of a stop
/// string is held back until it is clear either way, so a stop string never leaks into output.
/// </summary>
internal sealed class StopStringMatcher(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _pending = new();

    /// <returns>The text safe to emit, and whether a stop string ended the output.</returns>
    public (string Emit, bool Stopped) Push(string text)
    {
        if (stops.Count == 0)
            return (text, false);
        _pending.Append(text);
        var pending = _pending.ToString();
        var stopAt = stops.Select(s => pending.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (stopAt >= 0)
        {
            _pending.Clear();
            return (pending[..stopAt], true);
        }
        var hold = stops.Max(s => LongestPrefixAtEnd(pending, s));
        _pending.Clear().Append(pending, pending.Length - hold, hold);
        return (pending[..^hold], false);
    }

    /// <summary>End of stream: held-back text was not a stop string after all.</summary>
    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    private static int LongestPrefixAtEnd(string text, string stop)
    {
        for (var length = Math.Min(stop.Length - 1, text.Length); length > 0; length--)
            if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                return length;
        return 0;
    }
}
