namespace Dynamo.Grammar.Pda.Ir;

/// <summary>A set of bytes, as four 64-bit words.</summary>
internal readonly record struct ByteSet(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public static ByteSet Of(byte b) => Range(b, b);

    public static ByteSet Range(int low, int high)
    {
        var set = new ByteSet();
        for (var b = low; b <= high; b++)
            set = set.With((byte)b);
        return set;
    }

    public static ByteSet Of(string ascii) => ascii.Aggregate(new ByteSet(), (set, c) => set.With((byte)c));

    public ByteSet With(byte b) => (b >> 6) switch
    {
        0 => this with { W0 = W0 | 1UL << b },
        1 => this with { W1 = W1 | 1UL << (b & 63) },
        2 => this with { W2 = W2 | 1UL << (b & 63) },
        _ => this with { W3 = W3 | 1UL << (b & 63) },
    };

    public bool Contains(int b) => ((b >> 6) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 } >> (b & 63) & 1) != 0;

    public ByteSet Union(ByteSet other) => new(W0 | other.W0, W1 | other.W1, W2 | other.W2, W3 | other.W3);

    public IEnumerable<int> Bytes()
    {
        for (var b = 0; b < 256; b++)
            if (Contains(b))
                yield return b;
    }
}
