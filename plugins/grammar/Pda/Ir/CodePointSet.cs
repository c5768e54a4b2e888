namespace Dynamo.Grammar.Pda.Ir;

/// <summary>A set of Unicode code points as sorted, disjoint, non-adjacent ranges.</summary>
internal sealed class CodePointSet
{
    public const int MaxCodePoint = 0x10FFFF;

    private readonly List<(int Low, int High)> _ranges;

    private CodePointSet(List<(int Low, int High)> ranges) => _ranges = ranges;

    public IReadOnlyList<(int Low, int High)> Ranges => _ranges;

    public static readonly CodePointSet None = new([]);

    public static readonly CodePointSet All = Of((0, MaxCodePoint));

    public static CodePointSet Of(params (int Low, int High)[] ranges) => Normalize(ranges);

    public static CodePointSet Of(int codePoint) => Of((codePoint, codePoint));

    public static CodePointSet Chars(string chars) => Normalize(chars.EnumerateRunes().Select(r => (r.Value, r.Value)));

    public bool IsEmpty => _ranges.Count == 0;

    public CodePointSet Union(CodePointSet other) => Normalize(_ranges.Concat(other._ranges));

    public CodePointSet Negate()
    {
        var result = new List<(int, int)>();
        var next = 0;
        foreach (var (low, high) in _ranges)
        {
            if (low > next)
                result.Add((next, low - 1));
            next = high + 1;
        }
        if (next <= MaxCodePoint)
            result.Add((next, MaxCodePoint));
        return new CodePointSet(result);
    }

    public CodePointSet Except(CodePointSet other) => Negate().Union(other).Negate();

    public CodePointSet Intersect(CodePointSet other) => Negate().Union(other.Negate()).Negate();

    /// <summary>Both cases of every ASCII letter in the set (regex <c>i</c> flag, Lark's <c>"…"i</c>).</summary>
    public CodePointSet CaseInsensitive()
    {
        var extra = new List<(int, int)>();
        foreach (var (low, high) in _ranges)
            for (var c = Math.Max(low, 'A'); c <= Math.Min(high, 'z'); c++)
                if (char.IsAsciiLetter((char)c))
                    extra.Add((c ^ 0x20, c ^ 0x20));
        return Normalize(_ranges.Concat(extra));
    }

    private static CodePointSet Normalize(IEnumerable<(int Low, int High)> ranges)
    {
        var sorted = ranges.Where(r => r.Low <= r.High).OrderBy(r => r.Low).ToList();
        var merged = new List<(int, int)>();
        foreach (var (low, high) in sorted)
        {
            if (merged.Count > 0 && low <= merged[^1].Item2 + 1)
                merged[^1] = (merged[^1].Item1, Math.Max(merged[^1].Item2, high));
            else
                merged.Add((low, high));
        }
        return new CodePointSet(merged);
    }
}
