using System.Text;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Finds the request's stop strings in streamed text. Text that could be the start of a stop
/// string is held back until it is clear either way, so a stop string never leaks into output.
/// </summary>
internal sealed class StopStringMatcher(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _pending = new();

    /// <returns>The text safe to emit, and the stop string that ended the output (the earliest in the text), if one did.</returns>
    public (string Emit, string? Stopped) Push(string text)
    {
        if (stops.Count == 0)
            return (text, null);
        _pending.Append(text);
        var pending = _pending.ToString();
        var (stopAt, stop) = stops.Select(s => (At: pending.IndexOf(s, StringComparison.Ordinal), Stop: s)).Where(m => m.At >= 0).OrderBy(m => m.At).FirstOrDefault();
        if (stop is not null)
        {
            _pending.Clear();
            return (pending[..stopAt], stop);
        }
        var hold = stops.Max(s => LongestPrefixAtEnd(pending, s));
        _pending.Clear().Append(pending, pending.Length - hold, hold);
        return (pending[..^hold], null);
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
