using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The filters chat templates use, with Jinja's argument names; <c>tojson</c> is Hugging Face's (json.dumps, ensure_ascii=False, keys in order).</summary>
internal static class Filters
{
    public static object? Apply(string name, object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        object? Arg(int i, string argName, object? fallback = null) => i < args.Count ? args[i] : named.TryGetValue(argName, out var v) ? v : fallback;
        bool Flag(int i, string argName) => Values.Truthy(Arg(i, argName, false));
        if (value is Undefined u && name is not ("tojson" or "default" or "d" or "length" or "count" or "string" or "list" or "trim" or "upper" or "lower" or "safe" or "e" or "escape" or "join" or "first" or "last" or "items" or "indent" or "wordcount"))
            throw u.Fail();
        switch (name)
        {
            case "tojson":
                var indent = Arg(0, "indent") is long n ? (int?)n : null;
                var separators = Arg(1, "separators") is IList { Count: 2 } s ? (Values.Str(s[0]), Values.Str(s[1])) : ((string, string)?)null;
                return JsonValues.Dumps(value, indent, Values.Truthy(Arg(2, "sort_keys", false)), separators);
            case "default" or "d":
                return value is Undefined || (Flag(1, "boolean") && !Values.Truthy(value)) ? Arg(0, "default_value", "") : value;
            case "length" or "count":
                return Values.Length(value);
            case "string":
                return Values.Str(value);
            case "trim":
                var chars = Arg(0, "chars") as string;
                return chars is null ? Values.Str(value).Trim(Methods.PythonWhitespace) : Values.Str(value).Trim(chars.ToCharArray());
            case "upper":
                return Values.Str(value).ToUpperInvariant();
            case "lower":
                return Values.Str(value).ToLowerInvariant();
            case "title":
                return Title(Values.Str(value));
            case "format":
                return PercentFormat.Apply(Values.Str(value), args, named);
            case "capitalize":
                var text = Values.Str(value);
                return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
            case "replace":
                var count = Arg(2, "count") is long c ? c : -1;
                return Methods.Find(Values.Str(value), "replace")!.Invoke([Arg(0, "old"), Arg(1, "new"), count], Empty);
            case "join":
                var attribute = Arg(1, "attribute");
                return Values.Join(Values.Iterate(value).Select(i => AttributePath.Get(i, attribute)), Values.Str(Arg(0, "d", "")));
            case "first":
                return Values.Iterate(value).Take(1).DefaultIfEmpty(new Undefined("no first item, sequence was empty")).First();
            case "last":
                var all = Values.Iterate(value).ToList();
                return all.Count > 0 ? all[^1] : new Undefined("no last item, sequence was empty");
            case "items":
                return value is IDictionary dict ? Values.Pairs(dict).Select(p => (object?)new object?[] { p.Key, p.Value }).ToList()
                    : value is Undefined ? new List<object?>() : throw new TemplateRuntimeException("items filter needs a mapping");
            case "list":
                return Values.Iterate(value).ToList();
            case "unique":
                var seen = new List<object?>();
                var unique = new List<object?>();
                foreach (var item in Values.Iterate(value))
                {
                    var key = AttributePath.Key(item, Arg(1, "attribute"), Flag(0, "case_sensitive"));
                    if (!seen.Any(x => Values.Equals(x, key)))
                    {
                        seen.Add(key);
                        unique.Add(item);
                    }
                }
                return unique;
            case "reverse":
                return value is string rs ? new string(rs.Reverse().ToArray()) : Values.Iterate(value).Reverse().ToList();
            case "sort":
                return Sort(Values.Iterate(value), i => AttributePath.Key(i, Arg(2, "attribute"), Flag(1, "case_sensitive")), Flag(0, "reverse"));
            case "dictsort":
                var by = Arg(1, "by", "key") is "value" ? 1 : Arg(1, "by", "key") is "key" ? 0 : throw new TemplateRuntimeException("You can only sort by either \"key\" or \"value\"");
                var pairs = value is IDictionary map ? Values.Pairs(map).Select(p => (object?)new object?[] { p.Key, p.Value }) : throw new TemplateRuntimeException("dictsort needs a mapping");
                return Sort(pairs, p => AttributePath.Key(p, (long)by, Flag(0, "case_sensitive")), Flag(2, "reverse"));
            case "int":
                return ToInt(value, Arg(0, "default", 0L));
            case "float":
                return ToFloat(value, Arg(0, "default", 0.0));
            case "abs":
                return Values.IsInteger(value) ? Values.Integer(BigInteger.Abs(Values.ToInteger(value))) : Math.Abs(Values.ToDouble(value));
            case "round":
                var digits = (int)(Arg(0, "precision", 0L) as long? ?? 0);
                var method = Arg(1, "method", "common") as string;
                if (method is not ("common" or "ceil" or "floor"))
                    throw new TemplateRuntimeException("method must be common, ceil or floor");
                if (method == "common")
                    return !Values.IsInteger(value) ? PythonRound.Round(Values.ToDouble(value), digits) // round() keeps an int an int
                        : Values.Integer(digits >= 0 ? Values.ToInteger(value) : PythonRound.Round(Values.ToInteger(value), digits));
                var scale = Math.Pow(10, digits);
                return (method == "ceil" ? Math.Ceiling(Values.ToDouble(value) * scale) : Math.Floor(Values.ToDouble(value) * scale)) / scale;
            case "map":
                return Map(value, args, named);
            case "select" or "reject":
                return Values.Iterate(value).Where(i => (args.Count == 0 ? Values.Truthy(i) : Tests.Apply(Values.Str(args[0]), i, args.Skip(1).ToList())) == (name == "select")).ToList();
            case "selectattr" or "rejectattr":
                var attr = Arg(0, "attr");
                return Values.Iterate(value).Where(i =>
                {
                    var v = AttributePath.Get(i, attr);
                    return (args.Count < 2 ? Values.Truthy(v) : Tests.Apply(Values.Str(args[1]), v, args.Skip(2).ToList())) == (name == "selectattr");
                }).ToList();
            case "safe":
                return value is Undefined ? "" : value;
            case "e" or "escape":
                return Values.Str(value).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");
            case "indent":
                return Indent(Values.Str(value), Arg(0, "width", 4L), Flag(1, "first"), Flag(2, "blank"));
            case "wordcount":
                return (long)Values.Str(value).Split(Methods.PythonWhitespace, StringSplitOptions.RemoveEmptyEntries).Length;
            case "sum":
                return Values.Iterate(value).Aggregate(Arg(1, "start", 0L), (acc, i) => Values.Binary("+", acc, AttributePath.Get(i, Arg(0, "attribute"))));
            case "max" or "min":
                var candidates = Values.Iterate(value).ToList();
                if (candidates.Count == 0)
                    return new Undefined("No aggregated item, sequence was empty.");
                object? Of(object? i) => AttributePath.Key(i, Arg(1, "attribute"), Flag(0, "case_sensitive"));
                var sign = name == "max" ? 1 : -1; // the first of equals wins, as with Python's max() and min()
                return candidates.Aggregate((best, i) => Values.Compare(Of(i), Of(best)) * sign > 0 ? i : best);
            case "batch":
                var size = (int)(long)Arg(0, "linecount")!;
                var batches = Values.Iterate(value).Chunk(size).Select(chunk => chunk.ToList()).ToList();
                if (Arg(1, "fill_with") is { } fill && batches.Count > 0)
                    batches[^1].AddRange(Enumerable.Repeat(fill, size - batches[^1].Count));
                return batches.Select(b => (object?)b).ToList();
            case "center":
                var centered = Values.Str(value);
                var width = (int)(Arg(0, "width", 80L) as long? ?? 80);
                var pad = Math.Max(0, width - centered.Length);
                return new string(' ', pad / 2 + (pad % 2 & width % 2)) + centered + new string(' ', pad - pad / 2 - (pad % 2 & width % 2));
            default:
                throw new TemplateRuntimeException($"no filter named '{name}'");
        }
    }

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    /// <summary>A stable sort by key, also when reversed, as Python's sorted(…, reverse=True) is.</summary>
    private static List<object?> Sort(IEnumerable<object?> items, Func<object?, object?> key, bool reverse)
    {
        var keyed = items.Select((item, index) => (item, key: key(item), index)).ToList();
        keyed.Sort((a, b) =>
        {
            var order = Values.Compare(a.key, b.key);
            return order != 0 ? (reverse ? -order : order) : a.index.CompareTo(b.index);
        });
        return keyed.Select(p => p.item).ToList();
    }

    /// <summary>jinja2's title filter (not str.title()): a word starts after a space, '-', or an opening bracket.</summary>
    private static string Title(string text)
    {
        var result = new StringBuilder(text.Length);
        var start = true;
        foreach (var c in text)
        {
            var boundary = c is '-' or '(' or '{' or '[' or '<' || Methods.PythonWhitespace.Contains(c);
            result.Append(boundary ? c : start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            start = boundary;
        }
        return result.ToString();
    }

    private static object? Map(object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        if (named.TryGetValue("attribute", out var attribute))
        {
            return Values.Iterate(value).Select(i => AttributePath.Get(i, attribute, named.GetValueOrDefault("default"))).ToList();
        }
        if (args.Count == 0)
            throw new TemplateRuntimeException("map needs a filter name or attribute=");
        var filter = Values.Str(args[0]);
        return Values.Iterate(value).Select(i => Apply(filter, i, args.Skip(1).ToList(), named)).ToList();
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long or BigInteger => value,
        bool b => b ? 1L : 0L,
        double d when double.IsFinite(d) => Values.Integer(new BigInteger(Math.Truncate(d))),
        string s when BigInteger.TryParse(s.Trim(Methods.PythonWhitespace), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => Values.Integer(n),
        string s when double.TryParse(s.Trim(Methods.PythonWhitespace), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => Values.Integer(new BigInteger(Math.Truncate(d))),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long or BigInteger => Values.ToDouble(value),
        double d => d,
        bool b => b ? 1.0 : 0.0,
        string s when ParseFloat(s) is { } d => d,
        _ => fallback,
    };

    /// <summary>jinja2's indent: every line after the first (and the first with <paramref name="first"/>), empty ones only with <paramref name="blank"/>; Python's line breaks split.</summary>
    /// <summary>Python's float(text): decimal notation, or inf/infinity/nan with a sign, any case, whitespace around.</summary>
    private static double? ParseFloat(string text)
    {
        var s = text.Trim(Methods.PythonWhitespace);
        var sign = s.StartsWith('-') ? -1 : 1;
        var word = s.TrimStart('+', '-').ToLowerInvariant();
        if (word is "inf" or "infinity" or "nan" && s.Length - word.Length <= 1)
            return word == "nan" ? double.NaN : sign * double.PositiveInfinity;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    private static string Indent(string text, object? width, bool first, bool blank)
    {
        var prefix = width is string w ? w : new string(' ', (int)(long)width!);
        var lines = Methods.Lines(text + "\n");
        var result = new StringBuilder(lines[0]);
        for (var i = 1; i < lines.Count; i++)
            result.Append('\n').Append(blank || lines[i].Length > 0 ? prefix : "").Append(lines[i]);
        return first ? prefix + result : result.ToString();
    }
}
