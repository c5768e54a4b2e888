using System.Globalization;
using System.Numerics;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>
/// Python's <c>text % values</c>, which jinja2's <c>format</c> filter is: %s %r %d %i %f %x %X %%
/// with the flags - + space 0, a width and a precision, and <c>%(name)s</c> taken from keywords.
/// </summary>
internal static class PercentFormat
{
    public static string Apply(string format, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        var text = new StringBuilder();
        var next = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i++];
            if (c != '%')
            {
                text.Append(c);
                continue;
            }
            string? key = null;
            if (i < format.Length && format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                key = close > 0 ? format[(i + 1)..close] : throw new TemplateRuntimeException("incomplete format key");
                i = close + 1;
            }
            var flags = Take(format, ref i, ch => ch is '-' or '+' or ' ' or '0');
            var width = Take(format, ref i, char.IsAsciiDigit);
            string? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = Take(format, ref i, char.IsAsciiDigit);
            }
            var conversion = i < format.Length ? format[i++] : throw new TemplateRuntimeException("incomplete format");
            if (conversion == '%')
            {
                text.Append('%');
                continue;
            }
            var value = key is not null ? (named.TryGetValue(key, out var v) ? v : throw new TemplateRuntimeException($"'{key}'"))
                : next < args.Count ? args[next++] : throw new TemplateRuntimeException("not enough arguments for format string");
            var digits = precision is null ? (int?)null : precision.Length == 0 ? 0 : int.Parse(precision, CultureInfo.InvariantCulture);
            text.Append(Pad(Convert(conversion, value, digits, flags), flags, width.Length > 0 ? int.Parse(width, CultureInfo.InvariantCulture) : 0, numeric: conversion is not ('s' or 'r')));
        }
        if (next < args.Count)
            throw new TemplateRuntimeException("not all arguments converted during string formatting");
        return text.ToString();
    }

    private static string Take(string format, ref int i, Func<char, bool> accept)
    {
        var start = i;
        while (i < format.Length && accept(format[i]))
            i++;
        return format[start..i];
    }

    private static string Convert(char conversion, object? value, int? digits, string flags)
    {
        string Sign(bool negative) => negative ? "-" : flags.Contains('+') ? "+" : flags.Contains(' ') ? " " : "";
        switch (conversion)
        {
            case 's' or 'r':
                var s = conversion == 's' ? Values.Str(value) : Values.Repr(value);
                return digits is { } n && n < s.Length ? s[..n] : s;
            case 'd' or 'i':
                var integer = value is double d ? new BigInteger(Math.Truncate(d)) : Values.IsInteger(value) ? Values.ToInteger(value)
                    : throw new TemplateRuntimeException($"%{conversion} format: a real number is required, not {Values.TypeName(value)}");
                return Sign(integer.Sign < 0) + BigInteger.Abs(integer).ToString(CultureInfo.InvariantCulture);
            case 'f' or 'F':
                var real = Values.IsNumber(value) ? Values.ToDouble(value) : throw new TemplateRuntimeException($"must be real number, not {Values.TypeName(value)}");
                return Sign(double.IsNegative(real)) + Math.Abs(real).ToString("F" + (digits ?? 6), CultureInfo.InvariantCulture);
            case 'x' or 'X':
                var whole = Values.IsInteger(value) ? Values.ToInteger(value) : throw new TemplateRuntimeException($"%{conversion} format: an integer is required, not {Values.TypeName(value)}");
                var hex = BigInteger.Abs(whole).ToString(conversion == 'x' ? "x" : "X", CultureInfo.InvariantCulture).TrimStart('0');
                return Sign(whole.Sign < 0) + (hex.Length == 0 ? "0" : hex);
            default:
                throw new TemplateRuntimeException($"unsupported format character '{conversion}' (0x{(int)conversion:x})");
        }
    }

    private static string Pad(string value, string flags, int width, bool numeric)
    {
        if (value.Length >= width)
            return value;
        if (flags.Contains('-'))
            return value.PadRight(width);
        if (!flags.Contains('0') || !numeric)
            return value.PadLeft(width);
        var sign = value[0] is '-' or '+' or ' ' ? 1 : 0; // zeros go after the sign
        return value[..sign] + value[sign..].PadLeft(width - sign, '0');
    }
}
