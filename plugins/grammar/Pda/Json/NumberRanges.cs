using System.Globalization;
using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Json;

/// <summary>
/// Decimal numbers between bounds (each open or closed, or absent), written without an exponent: an
/// integer part in a range (<see cref="IntegerRanges"/>), and where it meets a bound, a fraction
/// compared digit by digit with the bound's. <c>-0</c> is never written.
/// </summary>
internal static class NumberRanges
{
    public readonly record struct Bound(decimal Value, bool Inclusive);


    public static Node Of(Bound? low, Bound? high)
    {
        var alternatives = new List<Node>();
        // x < 0, written "-" y with y > 0: x ≥ low ⇔ y ≤ -low; x ≤ high ⇔ y ≥ -high.
        if (low is null || low.Value.Value < 0)
        {
            var yLow = high is { } h && h.Value < 0 ? new Bound(-h.Value, h.Inclusive) : new Bound(0, false);
            Bound? yHigh = low is { } l ? new Bound(-l.Value, l.Inclusive) : null;
            if (NonEmpty(yLow, yHigh))
                alternatives.Add(Node.Seq(Node.Text("-"), NonNegative(yLow, yHigh)));
        }
        // x ≥ 0.
        if (high is null || high.Value.Value >= 0)
        {
            var xLow = low is { } l && l.Value >= 0 ? l : new Bound(0, true);
            if (NonEmpty(xLow, high))
                alternatives.Add(NonNegative(xLow, high));
        }
        return Node.Alt([.. alternatives]);
    }

    private static bool NonEmpty(Bound low, Bound? high) =>
        high is not { } h || low.Value < h.Value || (low.Value == h.Value && low.Inclusive && h.Inclusive);

    /// <summary>Non-negative numbers from <paramref name="low"/> (at least 0) to <paramref name="high"/> (or without limit).</summary>
    private static Node NonNegative(Bound low, Bound? high)
    {
        var lowInteger = decimal.Floor(low.Value);
        var lowFraction = Fraction(low.Value);
        var highInteger = high is { } h ? decimal.Floor(h.Value) : (decimal?)null;
        var highFraction = high is { } h2 ? Fraction(h2.Value) : "";
        var alternatives = new List<Node>();
        if (highInteger == lowInteger)
        {
            alternatives.Add(Node.Seq(Integer(lowInteger), FractionPart(lowFraction, low.Inclusive, highFraction, high!.Value.Inclusive)));
            return Node.Alt([.. alternatives]);
        }
        // The lower bound's integer part: a fraction at least the bound's.
        alternatives.Add(Node.Seq(Integer(lowInteger), FractionPart(lowFraction, low.Inclusive, null, true)));
        // Integer parts strictly between: any fraction.
        var from = lowInteger + 1;
        decimal? to = highInteger - 1;
        if (to is null || from <= to)
            alternatives.Add(Node.Seq(IntegerRanges.Of((long)Math.Min(from, long.MaxValue / 2), to is { } t ? (long)Math.Min(t, long.MaxValue / 2) : null),
                Node.Opt(Node.Seq(Node.Text("."), Node.Plus(JsonText.Digit)))));
        // The upper bound's integer part: a fraction at most the bound's.
        if (highInteger is { } top)
            alternatives.Add(Node.Seq(Integer(top), FractionPart(null, true, highFraction, high!.Value.Inclusive)));
        return Node.Alt([.. alternatives]);
    }

    private static Node Integer(decimal value) => Node.Text(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A bound's fraction digits: 0.25 → "25"; 3 → "".</summary>
    private static string Fraction(decimal value)
    {
        var text = (value - decimal.Floor(value)).ToString(CultureInfo.InvariantCulture);
        return text.Contains('.') ? text[(text.IndexOf('.') + 1)..].TrimEnd('0') : "";
    }

    /// <summary>
    /// An optional fraction (<c>.digits</c>, absent meaning .0) between the fractions <paramref name="low"/>
    /// and <paramref name="high"/> (null: no bound on that side), each inclusive or not.
    /// </summary>
    private static Node FractionPart(string? low, bool lowInclusive, string? high, bool highInclusive)
    {
        var length = Math.Max(low?.Length ?? 0, high?.Length ?? 0);
        char LowDigit(int i) => low is not null && i < low.Length ? low[i] : '0';
        char HighDigit(int i) => high is not null && i < high.Length ? high[i] : '0';

        // Whether the fraction may stop after i digits, still equal to the tight bounds so far.
        bool CanEnd(int i, bool tightLow, bool tightHigh)
        {
            // Stopping pads with zeros: equal to a tight bound only if the bound's remaining digits are zeros.
            var lowRestZero = low is null || i >= low.Length;
            var highRestZero = high is null || i >= high.Length;
            var lowOk = !tightLow || (lowRestZero ? lowInclusive : false);
            var highOk = !tightHigh || (highRestZero ? highInclusive : true);
            return lowOk && highOk;
        }

        // Digits from position i on, given which bounds the digits so far still equal.
        Node Rest(int i, bool tightLow, bool tightHigh)
        {
            if (!tightLow && !tightHigh)
                return Node.Star(JsonText.Digit);
            if (i >= length)
            {
                // Past both bounds' digits, which are zeros from here.
                if (tightLow && tightHigh)
                    return lowInclusive && highInclusive ? Node.Star(Node.Text("0")) : new Choice([]);
                if (tightLow)
                    return lowInclusive ? Node.Star(JsonText.Digit) : Node.Seq(Node.Star(Node.Text("0")), new ByteClass(ByteSet.Range('1', '9')), Node.Star(JsonText.Digit));
                return highInclusive ? Node.Star(Node.Text("0")) : new Choice([]);
            }
            var alternatives = new List<Node>();
            if (CanEnd(i, tightLow, tightHigh))
                alternatives.Add(Node.Empty);
            for (var d = '0'; d <= '9'; d++)
            {
                if ((tightLow && d < LowDigit(i)) || (tightHigh && d > HighDigit(i)))
                    continue;
                alternatives.Add(Node.Seq(Node.Text(d.ToString()), Rest(i + 1, tightLow && d == LowDigit(i), tightHigh && d == HighDigit(i))));
            }
            return Node.Alt([.. alternatives]);
        }

        // No fraction at all counts as .0; a written fraction has at least one digit.
        var tightLowStart = low is not null;
        var tightHighStart = high is not null;
        var first = new List<Node>();
        for (var d = '0'; d <= '9'; d++)
        {
            if ((tightLowStart && d < LowDigit(0)) || (tightHighStart && d > HighDigit(0)))
                continue;
            first.Add(Node.Seq(Node.Text(d.ToString()), Rest(1, tightLowStart && d == LowDigit(0), tightHighStart && d == HighDigit(0))));
        }
        var options = new List<Node>();
        if (CanEnd(0, tightLowStart, tightHighStart))
            options.Add(Node.Empty);
        if (first.Count > 0)
            options.Add(Node.Seq(Node.Text("."), Node.Alt([.. first])));
        return Node.Alt([.. options]);
    }
}
