namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>Literal markup in growing text: there, possibly still arriving, or not there.</summary>
internal static class Text
{
    public enum Match
    {
        Yes,
        Partial,
        No,
    }

    /// <summary>Whether <paramref name="literal"/> is at <paramref name="at"/> (Partial: the text ends inside it).</summary>
    public static Match At(string s, int at, string literal)
    {
        var available = Math.Min(literal.Length, s.Length - at);
        if (available < 0 || string.CompareOrdinal(s, at, literal, 0, available) != 0)
            return Match.No;
        return available == literal.Length ? Match.Yes : Match.Partial;
    }

    /// <summary>Where <paramref name="literal"/> next occurs from <paramref name="from"/>, or -1.</summary>
    public static int Find(string s, int from, string literal) => s.IndexOf(literal, from, StringComparison.Ordinal);
}
