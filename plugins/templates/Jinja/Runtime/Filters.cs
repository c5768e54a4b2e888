using System.Collections;
using System.Globalization;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The filters chat templates use, with Jinja's argument names; <c>tojson</c> is Hugging Face's (json.dumps, ensure_ascii=False, keys in order).</summary>
internal static class Filters
{
    public static object? Apply(string name, object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        object? Arg(int i, string argName, object? fallback = null) => i < args.Count ? args[i] : named.TryGetValue(argName, out var v) ? v : fallback;
        bool Flag(int i, string argName) => Values.Truthy(Arg(i, argName, false));
        if (value is Undefined u && name is not ("default" or "d" or "length" or "count" or "string" or "list" or "trim" or "upper" or "lower" or "safe" or "e" or "escape" or "join" or "first" or "last" or "items" or "indent" or "wordcount"))
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
                return Methods.Title(Values.Str(value));
            case "capitalize":
                var text = Values.Str(value);
                return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
            case "replace":
                var count = Arg(2, "count") is long c ? c : -1;
                return Methods.Find(Values.Str(value), "replace")!.Invoke([Arg(0, "old"), Arg(1, "new"), count], Empty);
            case "join":
                var attribute = Arg(1, "attribute") as string;
                var items = Values.Iterate(value);
                return Values.Join(attribute is null ? items : items.Select(i => Access.Item(i, attribute)), Values.Str(Arg(0, "d", "")));
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
                var unique = new List<object?>();
                foreach (var item in Values.Iterate(value))
                    if (!unique.Any(x => Values.Equals(x, item)))
                        unique.Add(item);
                return unique;
            case "reverse":
                return value is string rs ? new string(rs.Reverse().ToArray()) : Values.Iterate(value).Reverse().ToList();
            case "sort":
                return Sort(value, Flag(0, "reverse"), Arg(2, "attribute") as string);
            case "dictsort":
                var pairs = Values.Pairs((IDictionary)value!).ToList();
                var byValue = Arg(1, "by") as string == "value";
                pairs.Sort((a, b) => byValue ? Values.Compare(a.Value, b.Value) : Values.Compare(Lowered(a.Key), Lowered(b.Key)));
                if (Flag(2, "reverse"))
                    pairs.Reverse();
                return pairs.Select(p => (object?)new object?[] { p.Key, p.Value }).ToList();
            case "int":
                return ToInt(value, Arg(0, "default", 0L));
            case "float":
                return ToFloat(value, Arg(0, "default", 0.0));
            case "abs":
                return value is long l ? Math.Abs(l) : Math.Abs(Values.ToDouble(value));
            case "round":
                var digits = (int)(Arg(0, "precision", 0L) as long? ?? 0);
                var method = Arg(1, "method", "common") as string;
                var number = Values.ToDouble(value) * Math.Pow(10, digits);
                number = method switch { "ceil" => Math.Ceiling(number), "floor" => Math.Floor(number), _ => Math.Round(number, MidpointRounding.ToEven) }; // Python's round()
                return number / Math.Pow(10, digits);
            case "map":
                return Map(value, args, named);
            case "select" or "reject":
                return Values.Iterate(value).Where(i => (args.Count == 0 ? Values.Truthy(i) : Tests.Apply(Values.Str(args[0]), i, args.Skip(1).ToList())) == (name == "select")).ToList();
            case "selectattr" or "rejectattr":
                var attr = Values.Str(Arg(0, "attr"));
                return Values.Iterate(value).Where(i =>
                {
                    var v = Access.Item(i, attr);
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
                return Values.Iterate(value).Aggregate(Arg(1, "start", 0L), (acc, i) => Values.Binary("+", acc, Arg(0, "attribute") is string a ? Access.Item(i, a) : i));
            case "max" or "min":
                var candidates = Values.Iterate(value).ToList();
                if (candidates.Count == 0)
                    return new Undefined($"no {name} item, sequence was empty");
                return candidates.Aggregate((a, b) => (Values.Compare(b, a) > 0) == (name == "max") ? b : a);
            case "batch":
                var size = (int)(long)Arg(0, "linecount")!;
                return Values.Iterate(value).Chunk(size).Select(chunk => (object?)chunk.ToList()).ToList();
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

    private static object? Lowered(object? key) => key is string s ? s.ToLowerInvariant() : key;

    private static List<object?> Sort(object? value, bool reverse, string? attribute)
    {
        var items = Values.Iterate(value).ToList();
        object? Key(object? i) => Lowered(attribute is null ? i : Access.Item(i, attribute));
        var sorted = items.Select((item, index) => (item, index)).ToList();
        sorted.Sort((a, b) =>
        {
            var order = Values.Compare(Key(a.item), Key(b.item));
            return order != 0 ? (reverse ? -order : order) : a.index.CompareTo(b.index); // stable, like Python's sort
        });
        return sorted.Select(p => p.item).ToList();
    }

    private static object? Map(object? value, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        if (named.TryGetValue("attribute", out var attribute))
        {
            var fallback = named.GetValueOrDefault("default", new Undefined("map: attribute missing"));
            return Values.Iterate(value).Select(i => Access.Item(i, attribute) is Undefined && named.ContainsKey("default") ? fallback : Access.Item(i, attribute)).ToList();
        }
        if (args.Count == 0)
            throw new TemplateRuntimeException("map needs a filter name or attribute=");
        var filter = Values.Str(args[0]);
        return Values.Iterate(value).Select(i => Apply(filter, i, args.Skip(1).ToList(), named)).ToList();
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long l => l,
        bool b => b ? 1L : 0L,
        double d => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long l => (double)l,
        double d => d,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };

    private static string Indent(string text, object? width, bool first, bool blank)
    {
        var prefix = width is string w ? w : new string(' ', (int)(long)width!);
        var lines = text.Split('\n');
        var result = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
                result.Append('\n');
            if ((i > 0 || first) && (blank || lines[i].Trim(Methods.PythonWhitespace).Length > 0))
                result.Append(prefix);
            result.Append(lines[i]);
        }
        return result.ToString();
    }
}
