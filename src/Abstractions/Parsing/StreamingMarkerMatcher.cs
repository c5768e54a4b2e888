namespace Dynamo.Abstractions.Parsing;

/// <summary>
/// Finds markers (tool-call and reasoning tags) in text that arrives in pieces. Text that cannot
/// be the start of a marker is released at once; a tail that could still grow into a marker is
/// held back exactly as long as it could. Every parser shares this one matcher, so none buffers
/// chunks its own way, and what it releases depends only on the text so far, not on how it was cut.
/// </summary>
public sealed class StreamingMarkerMatcher(IReadOnlyList<string> markers)
{
    private string _held = "";

    /// <summary>The markers searched for.</summary>
    public IReadOnlyList<string> Markers { get; } = markers;

    /// <summary>Feeds text; returns what can be released and, when a marker completed, which one and the text after it (not consumed: feed it on or parse it).</summary>
    public MarkerMatch Push(string text)
    {
        var s = _held + text;
        _held = "";
        var (at, marker) = (-1, (string?)null);
        foreach (var m in Markers)
        {
            var i = s.IndexOf(m, StringComparison.Ordinal);
            if (i >= 0 && (at < 0 || i < at || (i == at && m.Length > marker!.Length)))
                (at, marker) = (i, m);
        }
        if (marker is not null)
        {
            // A longer marker that begins the same way may still be arriving there (<|open|> against <|open|>think<|sep|>): wait for it.
            if (Markers.Any(m => m.Length > s.Length - at && m.StartsWith(s[at..], StringComparison.Ordinal)))
            {
                _held = s[at..];
                return new MarkerMatch(s[..at], null, "");
            }
            return new MarkerMatch(s[..at], marker, s[(at + marker.Length)..]);
        }
        var hold = HeldTail(s);
        _held = s[^hold..];
        return new MarkerMatch(s[..^hold], null, "");
    }

    /// <summary>End of text: whatever was held back, which is now known not to be a marker.</summary>
    public string Flush()
    {
        var held = _held;
        _held = "";
        return held;
    }

    // The longest end of s that is a proper beginning of some marker.
    private int HeldTail(string s)
    {
        var longest = 0;
        foreach (var m in Markers)
            for (var k = Math.Min(m.Length - 1, s.Length); k > longest; k--)
                if (string.CompareOrdinal(s, s.Length - k, m, 0, k) == 0)
                {
                    longest = k;
                    break;
                }
        return longest;
    }
}

/// <param name="Release">Text before the marker (or all text that cannot be one).</param>
/// <param name="Marker">The marker found, or null.</param>
/// <param name="Rest">Text after the marker, not yet looked at.</param>
public readonly record struct MarkerMatch(string Release, string? Marker, string Rest);
