using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Json;

/// <summary>The lexical pieces of JSON as grammar nodes: strings, numbers, literals and the whitespace between them.</summary>
internal static class JsonText
{
    /// <summary>Characters a JSON string must escape.</summary>
    private static readonly CodePointSet MustEscape = CodePointSet.Of(('\0', '\u001f'), ('"', '"'), ('\\', '\\'));

    /// <summary>Every code point a JSON string may hold (surrogate code points have no UTF-8 form).</summary>
    public static readonly CodePointSet AnyChar = CodePointSet.All.Except(CodePointSet.Of((0xD800, 0xDFFF)));

    /// <summary>Characters a JSON string holds as they are (no escape).</summary>
    public static readonly CodePointSet Unescaped = AnyChar.Except(MustEscape);

    public static readonly Node Digit = new ByteClass(ByteSet.Range('0', '9'));

    /// <summary>
    /// Characters of <paramref name="set"/> as a JSON string writes them: raw UTF-8, except <c>"</c>, <c>\</c>
    /// and control characters, which are escaped (<c>\"</c>, <c>\\</c>, <c>\n</c>…, else <c>\u00XX</c>).
    /// </summary>
    public static Node Chars(CodePointSet set)
    {
        var alternatives = new List<Node>();
        var raw = set.Except(MustEscape);
        if (!raw.IsEmpty)
            alternatives.Add(Utf8Sequences.Of(raw));
        foreach (var (low, high) in set.Intersect(MustEscape).Ranges)
            for (var c = low; c <= high; c++)
                alternatives.Add(Node.Text(Escape(c)));
        return alternatives.Count == 0 ? new Choice([]) : Node.Alt([.. alternatives]);
    }

    private static string Escape(int c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\b' => "\\b",
        '\f' => "\\f",
        _ => $"\\u{c:x4}",
    };

    /// <summary>One character of a free JSON string: raw, a short escape, or <c>\uXXXX</c> outside the surrogates.</summary>
    public static Node StringChar(GrammarBuilder g) => g.Shared("json:char", () =>
    {
        var hex = new ByteClass(ByteSet.Of("0123456789abcdefABCDEF"));
        var nonSurrogate = Node.Alt(
            Node.Seq(new ByteClass(ByteSet.Of("0123456789abcefABCEF")), hex, hex, hex),
            Node.Seq(new ByteClass(ByteSet.Of("dD")), new ByteClass(ByteSet.Of("01234567")), hex, hex));
        return Node.Alt(
            Utf8Sequences.Of(Unescaped),
            Node.Seq(Node.Text("\\"), Node.Alt(new ByteClass(ByteSet.Of("\"\\/bfnrt")), Node.Seq(Node.Text("u"), nonSurrogate))));
    });

    /// <summary>A JSON string of any content, or of a bounded number of characters.</summary>
    public static Node String(GrammarBuilder g, int minLength = 0, int maxLength = -1)
    {
        if (minLength == 0 && maxLength < 0)
            return g.Shared("json:string", () => Node.Seq(Node.Text("\""), Node.Star(StringChar(g)), Node.Text("\"")), keep: true);
        return Node.Seq(Node.Text("\""), new Repeat(StringChar(g), minLength, maxLength), Node.Text("\""));
    }

    public static Node Number(GrammarBuilder g) => g.Shared("json:number", () => Node.Seq(
        Integer(g),
        Node.Opt(Node.Seq(Node.Text("."), Node.Plus(Digit))),
        Node.Opt(Node.Seq(new ByteClass(ByteSet.Of("eE")), Node.Opt(new ByteClass(ByteSet.Of("+-"))), Node.Plus(Digit)))), keep: true);

    public static Node Integer(GrammarBuilder g) => g.Shared("json:integer", () =>
        Node.Seq(Node.Opt(Node.Text("-")), Node.Alt(Node.Text("0"), Node.Seq(new ByteClass(ByteSet.Range('1', '9')), Node.Star(Digit)))), keep: true);

    /// <summary>Whitespace where the style allows any (<see cref="JsonWhitespace.Flexible"/>): up to 16 JSON whitespace characters.</summary>
    public static Node Space(GrammarBuilder g, JsonWhitespace style) => style == JsonWhitespace.Flexible
        ? g.Shared("json:ws", () => new Repeat(new ByteClass(ByteSet.Of(" \t\n\r")), 0, 16))
        : Node.Empty;

    /// <summary>Between items (<c>", "</c> compact).</summary>
    public static Node Comma(GrammarBuilder g, JsonWhitespace style) =>
        style == JsonWhitespace.Flexible ? Node.Seq(Space(g, style), Node.Text(","), Space(g, style)) : Node.Text(", ");

    /// <summary>After a key (<c>": "</c> compact).</summary>
    public static Node Colon(GrammarBuilder g, JsonWhitespace style) =>
        style == JsonWhitespace.Flexible ? Node.Seq(Space(g, style), Node.Text(":"), Space(g, style)) : Node.Text(": ");

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON value written the compact way (<c>enum</c>, <c>const</c>), or as a Python literal.</summary>
    public static string Write(JsonElement value, bool python = false)
    {
        var text = new StringBuilder();
        WriteTo(value, text, python);
        return text.ToString();
    }

    public static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);

    private static void WriteTo(JsonElement value, StringBuilder text, bool python)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var property in value.EnumerateObject())
                {
                    text.Append(first ? "" : ", ").Append(Quote(property.Name)).Append(": ");
                    WriteTo(property.Value, text, python);
                    first = false;
                }
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(firstItem ? "" : ", ");
                    WriteTo(item, text, python);
                    firstItem = false;
                }
                text.Append(']');
                break;
            case JsonValueKind.String:
                text.Append(Quote(value.GetString()!));
                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null when python:
                text.Append(value.ValueKind switch { JsonValueKind.True => "True", JsonValueKind.False => "False", _ => "None" });
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }
}
