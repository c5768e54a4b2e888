namespace Dynamo.Grammar.Pda.Ir;

/// <summary>
/// A grammar expression over bytes: what JSON Schemas, regexes, Lark grammars and tool-call syntaxes
/// are translated into before they become automata. Rules refer to each other by index, so grammars
/// may recurse.
/// </summary>
internal abstract record Node
{
    public static readonly Node Empty = new Sequence([]);

    public static Node Seq(params Node[] items) => items.Length == 1 ? items[0] : new Sequence(items);

    public static Node Alt(params Node[] items) => items.Length == 1 ? items[0] : new Choice(items);

    public static Node Opt(Node item) => new Repeat(item, 0, 1);

    public static Node Star(Node item) => new Repeat(item, 0, -1);

    public static Node Plus(Node item) => new Repeat(item, 1, -1);

    /// <summary>The bytes of <paramref name="text"/> in order.</summary>
    public static Node Text(string text) => Bytes(System.Text.Encoding.UTF8.GetBytes(text));

    public static Node Bytes(IEnumerable<byte> bytes) => Seq([.. bytes.Select(b => (Node)new ByteClass(ByteSet.Of(b)))]);
}

/// <summary>One byte from a set.</summary>
internal sealed record ByteClass(ByteSet Set) : Node;

internal sealed record Sequence(Node[] Items) : Node;

internal sealed record Choice(Node[] Items) : Node;

/// <summary><paramref name="Item"/> between <paramref name="Min"/> and <paramref name="Max"/> times (-1: no limit).</summary>
internal sealed record Repeat(Node Item, int Min, int Max) : Node;

/// <summary>A whole rule, by its index in the grammar.</summary>
internal sealed record RuleRef(int Rule) : Node;

/// <summary>One special token, matched by id (it has no byte spelling the model may write piecewise).</summary>
internal sealed record TokenTerminal(int TokenId) : Node;

/// <summary>
/// A hand-built automaton over bytes (states 0..<paramref name="StateCount"/>-1, entered at 0): for
/// languages awkward to write as expressions, such as "text not containing a marker".
/// </summary>
internal sealed record Fragment(int StateCount, (int From, ByteSet Set, int To)[] Edges, int[] Accepting) : Node;
