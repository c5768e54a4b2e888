using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Json;

/// <summary>
/// The decimal integers between two bounds (either open) as a grammar: by digit count, and within a
/// count by the usual digit-by-digit split (<c>[123, 456]</c> = <c>12[3-9] | 1[3-9]\d | [23]\d\d | …</c>).
/// No leading zeros; <c>-0</c> never.
/// </summary>
internal static class IntegerRanges
{
    public static Node Of(long? minimum, long? maximum)
    {
        var alternatives = new List<Node>();
        // Negative part: -x for x in [max(1, -maximum), -minimum].
        if (minimum is null || minimum < 0)
        {
            var low = maximum is { } max && max < 0 ? -(decimal)max : 1;
            decimal? high = minimum is { } min ? -(decimal)min : null;
            if (high is null || low <= high)
                alternatives.Add(Node.Seq(Node.Text("-"), NonNegative(low, high)));
        }
        // Non-negative part: x in [max(0, minimum), maximum].
        if (maximum is null || maximum >= 0)
        {
            decimal low = minimum is { } min && min > 0 ? min : 0;
            decimal? high = maximum;
            if (high is null || low <= high)
                alternatives.Add(NonNegative(low, high));
        }
        return Node.Alt([.. alternatives]);
    }


    /// <summary>Integers in [<paramref name="low"/>, <paramref name="high"/>] (open above when null).</summary>
    private static Node NonNegative(decimal low, decimal? high)
    {
        var alternatives = new List<Node>();
        var lowText = low.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var highLength = high?.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        for (var length = lowText.Length; length <= (highLength ?? lowText.Length); length++)
        {
            var from = Math.Max(low, length == 1 ? 0 : Pow10(length - 1));
            var to = Math.Min(high ?? decimal.MaxValue, Pow10(length) - 1);
            if (from <= to)
                alternatives.Add(SameLength(Text(from, length), Text(to, length)));
        }
        if (high is null)
            // Every number with more digits than the lower bound.
            alternatives.Add(Node.Seq(new ByteClass(ByteSet.Range('1', '9')), new Repeat(JsonText.Digit, lowText.Length, -1)));
        return Node.Alt([.. alternatives]);
    }

    private static decimal Pow10(int n)
    {
        decimal value = 1;
        for (var i = 0; i < n; i++)
            value *= 10;
        return value;
    }

    private static string Text(decimal value, int length) => value.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(length, '0');

    /// <summary>JsonText.Digit strings of one length between <paramref name="a"/> and <paramref name="b"/>.</summary>
    private static Node SameLength(string a, string b)
    {
        if (a.Length == 0)
            return Node.Empty;
        if (a[0] == b[0])
            return Node.Seq(Node.Text(a[..1]), SameLength(a[1..], b[1..]));
        var rest = a.Length - 1;
        if (a[1..].All(c => c == '0') && b[1..].All(c => c == '9'))
            return Node.Seq(new ByteClass(ByteSet.Range(a[0], b[0])), new Repeat(JsonText.Digit, rest, rest));
        var alternatives = new List<Node> { Node.Seq(Node.Text(a[..1]), SameLength(a[1..], new string('9', rest))) };
        if (b[0] - a[0] > 1)
            alternatives.Add(Node.Seq(new ByteClass(ByteSet.Range(a[0] + 1, b[0] - 1)), new Repeat(JsonText.Digit, rest, rest)));
        alternatives.Add(Node.Seq(Node.Text(b[..1]), SameLength(new string('0', rest), b[1..])));
        return Node.Alt([.. alternatives]);
    }
}
