using System.Collections;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The Python methods of strings, dicts and lists that templates call (<c>x.strip()</c>, <c>d.items()</c>); mutating ones are refused, as in Hugging Face's immutable sandbox.</summary>
internal static class Methods
{
    /// <summary>The bound method, or null when <paramref name="target"/> has no method of that name.</summary>
    public static Callable? Find(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        Namespace => null,
        IDictionary d => DictMethod(d, name),
        IList l => ListMethod(l, name),
        _ => null,
    };

    private static Callable Bind(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> body) => new(name, body);

    private static object? Arg(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named, int index, string name, object? fallback = null) =>
        index < args.Count ? args[index] : named.TryGetValue(name, out var v) ? v : fallback;

    private static string? Chars(object? value) => value is null or Undefined ? null : value as string
        ?? throw new TemplateRuntimeException("strip arg must be None or str");

    private static Callable? StringMethod(string s, string name) => name switch
    {
        "strip" => Bind(name, (a, n) => Chars(Arg(a, n, 0, "chars")) is { } c ? s.Trim(c.ToCharArray()) : s.Trim(PythonWhitespace)),
        "lstrip" => Bind(name, (a, n) => Chars(Arg(a, n, 0, "chars")) is { } c ? s.TrimStart(c.ToCharArray()) : s.TrimStart(PythonWhitespace)),
        "rstrip" => Bind(name, (a, n) => Chars(Arg(a, n, 0, "chars")) is { } c ? s.TrimEnd(c.ToCharArray()) : s.TrimEnd(PythonWhitespace)),
        "upper" => Bind(name, (_, _) => s.ToUpperInvariant()),
        "lower" => Bind(name, (_, _) => s.ToLowerInvariant()),
        "title" => Bind(name, (_, _) => Title(s)),
        "capitalize" => Bind(name, (_, _) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant()),
        "startswith" => Bind(name, (a, n) => Affixes(Arg(a, n, 0, "prefix")).Any(p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => Bind(name, (a, n) => Affixes(Arg(a, n, 0, "suffix")).Any(p => s.EndsWith(p, StringComparison.Ordinal))),
        "split" => Bind(name, (a, n) => Split(s, Arg(a, n, 0, "sep") as string, Arg(a, n, 1, "maxsplit", -1L) is long m ? m : -1)),
        "rsplit" => Bind(name, (a, n) => RSplit(s, Arg(a, n, 0, "sep") as string, Arg(a, n, 1, "maxsplit", -1L) is long m ? m : -1)),
        "splitlines" => Bind(name, (_, _) => Lines(s).Select(x => (object?)x).ToList()),
        "replace" => Bind(name, (a, n) => Replace(s, Values.Str(Arg(a, n, 0, "old")), Values.Str(Arg(a, n, 1, "new")), Arg(a, n, 2, "count", -1L) is long c ? c : -1)),
        "find" => Bind(name, (a, n) => (long)s.IndexOf(Values.Str(Arg(a, n, 0, "sub")), StringComparison.Ordinal)),
        "count" => Bind(name, (a, n) => Count(s, Values.Str(Arg(a, n, 0, "sub")))),
        "join" => Bind(name, (a, n) => Values.Join(Values.Iterate(Arg(a, n, 0, "iterable")), s)),
        "format" => Bind(name, (a, n) => Format(s, a, n)),
        "isdigit" => Bind(name, (_, _) => s.Length > 0 && s.All(char.IsDigit)),
        "isalpha" => Bind(name, (_, _) => s.Length > 0 && s.All(char.IsLetter)),
        "isspace" => Bind(name, (_, _) => s.Length > 0 && s.All(c => PythonWhitespace.Contains(c))),
        "islower" => Bind(name, (_, _) => IsLower(s)),
        "isupper" => Bind(name, (_, _) => IsUpper(s)),
        _ => null,
    };

    /// <summary>Python's <c>str.islower()</c> (what the <c>lower</c> test asks of <c>str(value)</c>): a lower-case letter and no other cased one.</summary>
    public static bool IsLower(string s) => s.Any(char.IsLower) && !s.Any(c => char.IsUpper(c) || IsTitle(c));

    /// <summary>Python's <c>str.isupper()</c>: an upper-case letter and no other cased one.</summary>
    public static bool IsUpper(string s) => s.Any(char.IsUpper) && !s.Any(c => char.IsLower(c) || IsTitle(c));

    private static bool IsTitle(char c) => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.TitlecaseLetter;

    /// <summary>What Python's <c>str.isspace()</c> counts, so strip() and split() take off what Python does.</summary>
    public static readonly char[] PythonWhitespace =
    [
        '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\x85', '\u00a0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
        '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];

    /// <summary>Python's <c>str.splitlines()</c>: split at every line break Python knows (\r\n as one); a break at the end makes no empty last line.</summary>
    public static List<string> Lines(string s)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is not ('\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029'))
                continue;
            lines.Add(s[start..i]);
            if (s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                i++;
            start = i + 1;
        }
        if (start < s.Length)
            lines.Add(s[start..]);
        return lines;
    }

    private static IEnumerable<string> Affixes(object? value) => value switch
    {
        string s => [s],
        object?[] tuple => tuple.Select(Values.Str),
        _ => throw new TemplateRuntimeException($"startswith first arg must be str or a tuple of str, not {Values.TypeName(value)}"),
    };

    public static string Title(string s)
    {
        var text = new StringBuilder(s.Length);
        var previousIsLetter = false;
        foreach (var c in s)
        {
            text.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }
        return text.ToString();
    }

    private static List<object?> Split(string s, string? separator, long max)
    {
        if (separator is null)
        {
            var words = s.Split(PythonWhitespace, StringSplitOptions.RemoveEmptyEntries);
            if (max < 0 || words.Length <= max + 1)
                return words.Select(w => (object?)w).ToList();
            var rest = s.TrimStart(PythonWhitespace);
            var result = new List<object?>();
            for (var i = 0; i < max; i++)
            {
                var end = rest.IndexOfAny(PythonWhitespace);
                result.Add(rest[..end]);
                rest = rest[end..].TrimStart(PythonWhitespace);
            }
            result.Add(rest);
            return result;
        }
        if (separator.Length == 0)
            throw new TemplateRuntimeException("empty separator");
        return (max < 0 ? s.Split(separator) : s.Split(separator, (int)max + 1)).Select(x => (object?)x).ToList();
    }

    private static List<object?> RSplit(string s, string? separator, long max)
    {
        if (max < 0 || separator is null)
            return Split(s, separator, max);
        var parts = new List<object?>();
        var rest = s;
        for (var i = 0; i < max; i++)
        {
            var at = rest.LastIndexOf(separator, StringComparison.Ordinal);
            if (at < 0)
                break;
            parts.Insert(0, rest[(at + separator.Length)..]);
            rest = rest[..at];
        }
        parts.Insert(0, rest);
        return parts;
    }

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
            return old.Length == 0 ? string.Join(replacement, s.Select(c => c.ToString()).Prepend("").Append("")) : s.Replace(old, replacement, StringComparison.Ordinal);
        var text = new StringBuilder();
        var from = 0;
        for (var i = 0; i < count; i++)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0 || old.Length == 0)
                break;
            text.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }
        return text.Append(s, from, s.Length - from).ToString();
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0)
            return s.Length + 1;
        long count = 0;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>str.format with {} / {0} / {name} fields (no format specs beyond plain conversion).</summary>
    private static string Format(string s, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        var text = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '{' && i + 1 < s.Length && s[i + 1] == '{') { text.Append('{'); i++; continue; }
            if (s[i] == '}' && i + 1 < s.Length && s[i + 1] == '}') { text.Append('}'); i++; continue; }
            if (s[i] != '{')
            {
                text.Append(s[i]);
                continue;
            }
            var end = s.IndexOf('}', i);
            if (end < 0)
                throw new TemplateRuntimeException("Single '{' encountered in format string");
            var field = s[(i + 1)..end].Split(':')[0];
            object? value = field.Length == 0 ? args.ElementAtOrDefault(next++)
                : int.TryParse(field, out var index) ? args.ElementAtOrDefault(index)
                : named.GetValueOrDefault(field);
            text.Append(Values.Str(value));
            i = end;
        }
        return text.ToString();
    }

    private static Callable? DictMethod(IDictionary d, string name) => name switch
    {
        "items" => Bind(name, (_, _) => Values.Pairs(d).Select(p => (object?)new object?[] { p.Key, p.Value }).ToList()),
        "keys" => Bind(name, (_, _) => Values.Pairs(d).Select(p => (object?)p.Key).ToList()),
        "values" => Bind(name, (_, _) => Values.Pairs(d).Select(p => p.Value).ToList()),
        "get" => Bind(name, (a, n) => Arg(a, n, 0, "key") is { } key && d.Contains(key) ? d[key] : Arg(a, n, 1, "default")),
        "copy" => Bind(name, (_, _) => Copy(d)),
        "update" or "pop" or "setdefault" or "clear" or "popitem" => Refused(name),
        _ => null,
    };

    private static OrderedDictionary<object, object?> Copy(IDictionary d)
    {
        var copy = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in Values.Pairs(d))
            copy[k] = v;
        return copy;
    }

    private static Callable? ListMethod(IList l, string name) => name switch
    {
        "index" => Bind(name, (a, n) =>
        {
            var item = Arg(a, n, 0, "value");
            for (var i = 0; i < l.Count; i++)
                if (Values.Equals(l[i], item))
                    return (long)i;
            throw new TemplateRuntimeException($"{Values.Repr(item)} is not in list");
        }),
        "count" => Bind(name, (a, n) => (long)l.Cast<object?>().Count(x => Values.Equals(x, Arg(a, n, 0, "value")))),
        "append" or "extend" or "insert" or "pop" or "remove" or "clear" or "sort" or "reverse" => Refused(name),
        _ => null,
    };

    private static Callable Refused(string name) =>
        Bind(name, (_, _) => throw new TemplateRuntimeException($"access to '{name}' is not allowed: templates are rendered in an immutable sandbox, as Hugging Face renders them"));
}
