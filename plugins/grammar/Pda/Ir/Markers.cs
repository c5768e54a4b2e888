namespace Dynamo.Grammar.Pda.Ir;

/// <summary>Text around a marker, as automata (Knuth–Morris–Pratt over bytes): text that never contains it, and text up to its first occurrence.</summary>
internal static class Markers
{
    /// <summary>Any bytes in which <paramref name="marker"/> does not occur.</summary>
    public static Node Without(byte[] marker) => Build(marker, includeMarker: false);

    /// <summary>Any bytes up to and including the first occurrence of <paramref name="marker"/>.</summary>
    public static Node Through(byte[] marker) => Build(marker, includeMarker: true);

    private static Fragment Build(byte[] marker, bool includeMarker)
    {
        var m = marker.Length;
        var failure = new int[m + 1];
        failure[0] = -1;
        for (int i = 1, k = 0; i < m; i++)
        {
            while (k > 0 && marker[i] != marker[k])
                k = failure[k];
            if (marker[i] == marker[k])
                k++;
            failure[i + 1] = k;
        }
        int Next(int state, int b)
        {
            while (state > 0 && marker[state] != b)
                state = failure[state];
            return marker[state] == b ? state + 1 : 0;
        }
        var edges = new List<(int, ByteSet, int)>();
        for (var state = 0; state < m; state++)
        {
            var targets = new Dictionary<int, ByteSet>();
            for (var b = 0; b < 256; b++)
            {
                var next = Next(state, b);
                if (next == m && !includeMarker)
                    continue;
                targets[next] = targets.TryGetValue(next, out var set) ? set.With((byte)b) : ByteSet.Of((byte)b);
            }
            edges.AddRange(targets.Select(t => (state, t.Value, t.Key)));
        }
        return includeMarker
            ? new Fragment(m + 1, [.. edges], [m])
            : new Fragment(m, [.. edges], [.. Enumerable.Range(0, m)]);
    }
}
