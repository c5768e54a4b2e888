using System.Globalization;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Python's text forms of numbers and strings, which template output must match byte for byte.</summary>
internal static class PythonFormat
{
    /// <summary><c>repr(float)</c>: the shortest digits that round-trip, positional for exponents -4 to 15, else scientific (1e+16, 1e-05).</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";
        // Shortest round-trip digits: R gives them, in either notation; normalise to digits + exponent.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int exponent;
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = e >= 0 ? shortest[..e] : shortest;
        var extra = e >= 0 ? int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.');
        var intPart = point >= 0 ? mantissa[..point] : mantissa;
        var fracPart = point >= 0 ? mantissa[(point + 1)..] : "";
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        exponent = intPart.Length - 1 - leadingZeros + extra; // of the first significant digit
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";
        var text = new StringBuilder(value < 0 ? "-" : "");
        if (exponent is >= -4 and < 16)
        {
            if (exponent < 0)
                text.Append("0.").Append('0', -exponent - 1).Append(digits);
            else if (digits.Length <= exponent + 1)
                text.Append(digits).Append('0', exponent + 1 - digits.Length).Append(".0");
            else
                text.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
            return text.ToString();
        }
        text.Append(digits[0]);
        if (digits.Length > 1)
            text.Append('.').Append(digits, 1, digits.Length - 1);
        text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary><c>repr(str)</c>: single quotes unless the text has one and no double quote; what Python cannot print (controls, format characters, separators but the space, unassigned) escaped.</summary>
    public static string Repr(string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var text = new StringBuilder().Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    var code = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? char.ConvertToUtf32(c, value[++i]) : c;
                    if (code == quote)
                        text.Append('\\').Append(c);
                    else if (Printable(code))
                        text.Append(char.ConvertFromUtf32(code)); // never a lone surrogate: those are not printable
                    else
                        text.Append(code < 0x100 ? $"\\x{code:x2}" : code < 0x10000 ? $"\\u{code:x4}" : $"\\U{code:x8}");
                    break;
            }
        }
        return text.Append(quote).ToString();
    }

    /// <summary>Python's <c>str.isprintable()</c> for one code point.</summary>
    private static bool Printable(int code) => code == ' ' || CharUnicodeInfo.GetUnicodeCategory(code) is not (UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
}
