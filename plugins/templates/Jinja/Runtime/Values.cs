using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>
/// Python semantics over the runtime's values: null (None), bool, long (BigInteger past its
/// range, as Python's int has none), double, string,
/// List (list), object?[] (tuple), OrderedDictionary (dict), Namespace, Undefined, Callable,
/// LoopContext.
/// </summary>
internal static class Values
{
    public static bool Truthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        BigInteger n => !n.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>str()</c>, which is what <c>{{ }}</c> and <c>~</c> print.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger n => n.ToString(CultureInfo.InvariantCulture),
        double d => PythonFormat.Float(d),
        string s => PythonFormat.Repr(s),
        Undefined => "",
        object?[] tuple => tuple.Length == 1 ? $"({Repr(tuple[0])},)" : $"({string.Join(", ", tuple.Select(Repr))})",
        List<object?> list => $"[{string.Join(", ", list.Select(Repr))}]",
        Namespace ns => $"<Namespace {Repr(new Dictionary<object, object?>(ns.Select(p => new KeyValuePair<object, object?>(p.Key, p.Value))))}>",
        IDictionary dict => $"{{{string.Join(", ", Pairs(dict).Select(p => $"{Repr(p.Key)}: {Repr(p.Value)}"))}}}",
        Callable c => $"<function {c.Name}>",
        _ => value.ToString() ?? "",
    };

    public static IEnumerable<KeyValuePair<object, object?>> Pairs(IDictionary dict)
    {
        foreach (DictionaryEntry entry in dict)
            yield return new(entry.Key, entry.Value);
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        List<object?> => "list",
        Namespace => "Namespace",
        IDictionary => "dict",
        Undefined => "Undefined",
        _ => "object",
    };

    public static bool IsNumber(object? value) => value is long or double or bool or BigInteger;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        BigInteger n => (double)n,
        _ => throw new TemplateRuntimeException($"expected a number, got {TypeName(value)}"),
    };

    public static BigInteger ToInteger(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => (BigInteger)value!,
    };

    /// <summary>An integer result: a long where it fits, so only the rare huge one is a BigInteger.</summary>
    public static object Integer(BigInteger n) => n >= long.MinValue && n <= long.MaxValue ? (object)(long)n : n;

    public static bool IsInteger(object? value) => value is long or bool or BigInteger;

    public static new bool Equals(object? a, object? b)
    {
        if (a is Undefined || b is Undefined)
            return a is Undefined && b is Undefined;
        if (IsNumber(a) && IsNumber(b))
            return IsInteger(a) && IsInteger(b) ? ToInteger(a) == ToInteger(b) : ToDouble(a) == ToDouble(b);
        return (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string x, string y) => x == y,
            // Dictionaries first: the ordered dictionary is also an IList of its pairs.
            (IDictionary x, IDictionary y) => x.Count == y.Count && Pairs(x).All(p => y.Contains(p.Key) && Equals(p.Value, y[p.Key])),
            (IDictionary, _) or (_, IDictionary) => false,
            (IList x, IList y) when (x is object?[]) == (y is object?[]) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => Equals(x[i], y[i])),
            _ => ReferenceEquals(a, b),
        };
    }

    /// <param name="op">The operator the template wrote, for Python's words when the two cannot be ordered.</param>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (IsNumber(a) && IsNumber(b))
            return IsInteger(a) && IsInteger(b) ? ToInteger(a).CompareTo(ToInteger(b)) : ToDouble(a).CompareTo(ToDouble(b));
        if (a is string x && b is string y)
            return string.CompareOrdinal(x, y);
        if (a is IList l && b is IList m && a is not IDictionary && b is not IDictionary)
        {
            for (var i = 0; i < Math.Min(l.Count, m.Count); i++)
                if (!Equals(l[i], m[i]))
                    return Compare(l[i], m[i], op);
            return l.Count.CompareTo(m.Count);
        }
        throw new TemplateRuntimeException($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static IEnumerable<object?> Iterate(object? value) => value switch
    {
        Undefined => [],
        string s => s.Select(c => (object?)c.ToString()),
        IDictionary dict => Pairs(dict).Select(p => (object?)p.Key),
        IEnumerable<object?> items => items,
        _ => throw new TemplateRuntimeException($"'{TypeName(value)}' object is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        Undefined => 0,
        string s => s.Length,
        ICollection c => c.Count,
        _ => throw new TemplateRuntimeException($"object of type '{TypeName(value)}' has no len()"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string t => s.Contains(t, StringComparison.Ordinal),
        string => throw new TemplateRuntimeException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        IDictionary dict => item is not null && dict.Contains(item),
        Undefined => false,
        string or IEnumerable => Iterate(container).Any(x => Equals(x, item)),
        _ => throw new TemplateRuntimeException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    public static object? Binary(string op, object? a, object? b)
    {
        if (a is Undefined u)
            throw u.Fail();
        if (b is Undefined v)
            throw v.Fail();
        switch (op)
        {
            case "+" when a is string x && b is string y:
                return x + y;
            case "+" when a is List<object?> x && b is List<object?> y:
                return x.Concat(y).ToList();
            case "+" when a is object?[] x && b is object?[] y:
                return x.Concat(y).ToArray();
            case "*" when a is string s && IsInteger(b):
                return string.Concat(Enumerable.Repeat(s, Times(b)));
            case "*" when a is List<object?> l && IsInteger(b):
                return Enumerable.Repeat(l, Times(b)).SelectMany(x => x).ToList();
            case "*" when a is object[] tuple && IsInteger(b):
                return Enumerable.Repeat(tuple, Times(b)).SelectMany(x => x).ToArray();
            case "*" when IsInteger(a) && b is string or List<object?> or object[]:
                return Binary(op, b, a); // 3 * 'ab', as Python allows
            case "*" when a is string or List<object?> or object[] && !IsInteger(b):
                throw new TemplateRuntimeException($"can't multiply sequence by non-int of type '{TypeName(b)}'");
        }
        if (op == "+" && a is string or List<object?> or object[])
            throw new TemplateRuntimeException($"can only concatenate {TypeName(a)} (not \"{TypeName(b)}\") to {TypeName(a)}"); // Python's words for a sequence on the left
        if (!IsNumber(a) || !IsNumber(b))
            throw new TemplateRuntimeException($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
        var integers = IsInteger(a) && IsInteger(b);
        if (op == "/")
        {
            if (ToDouble(b) == 0)
                throw new TemplateRuntimeException("division by zero");
            return ToDouble(a) / ToDouble(b);
        }
        if (a is long lx && b is long ly && op is "+" or "-")
        {
            try
            {
                return checked(op == "+" ? lx + ly : lx - ly); // the common case, without BigInteger
            }
            catch (OverflowException)
            {
                // past long: exact below
            }
        }
        if (integers)
        {
            // Exact, as Python's unbounded int: no overflow, no detour through double.
            BigInteger x = ToInteger(a), y = ToInteger(b);
            switch (op)
            {
                case "+": return Integer(x + y);
                case "-": return Integer(x - y);
                case "*": return Integer(x * y);
                case "//" or "%" when y.IsZero: throw new TemplateRuntimeException("integer division or modulo by zero");
                case "//": return Integer(FloorDivide(x, y));
                case "%": return Integer(x - y * FloorDivide(x, y));
                case "**" when y.Sign >= 0: return Integer(BigInteger.Pow(x, y <= int.MaxValue ? (int)y : throw new TemplateRuntimeException("exponent too large")));
            }
        }
        double p = ToDouble(a), q = ToDouble(b);
        return op switch
        {
            "+" => p + q,
            "-" => p - q,
            "*" => p * q,
            "//" => Math.Floor(p / q),
            "%" => p - q * Math.Floor(p / q),
            "**" => Math.Pow(p, q),
            _ => throw new TemplateRuntimeException($"unknown operator {op}"),
        };
    }

    /// <summary>How many copies <c>'ab' * n</c> makes: none for n below 1.</summary>
    private static int Times(object? n)
    {
        var times = ToInteger(n);
        return times <= 0 ? 0 : times <= int.MaxValue ? (int)times : throw new TemplateRuntimeException("cannot fit 'int' into an index-sized integer");
    }

    private static BigInteger FloorDivide(BigInteger x, BigInteger y)
    {
        var quotient = BigInteger.DivRem(x, y, out var remainder);
        return !remainder.IsZero && (remainder.Sign < 0) != (y.Sign < 0) ? quotient - 1 : quotient;
    }

    /// <summary>Python slicing of a list, tuple or string.</summary>
    public static object? Slice(object? target, long? start, long? stop, long? step)
    {
        var items = target switch
        {
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            IList list and not IDictionary => list.Cast<object?>().ToList(),
            Undefined u => throw u.Fail(),
            _ => throw new TemplateRuntimeException($"'{TypeName(target)}' object is not subscriptable"),
        };
        var n = (long)items.Count;
        var by = step ?? 1;
        if (by == 0)
            throw new TemplateRuntimeException("slice step cannot be zero");
        long Clamp(long? index, long fallback, long low, long high) => index is not { } i ? fallback : Math.Clamp(i < 0 ? i + n : i, low, high);
        var result = new List<object?>();
        if (by > 0)
            for (var i = Clamp(start, 0, 0, n); i < Clamp(stop, n, 0, n); i += by)
                result.Add(items[(int)i]);
        else
            for (var i = Clamp(start, n - 1, -1, n - 1); i > Clamp(stop, -1, -1, n - 1); i += by)
                result.Add(items[(int)i]);
        return target switch
        {
            string => string.Concat(result.Cast<string>()),
            object?[] => result.ToArray(),
            _ => result,
        };
    }

    public static string Join(IEnumerable<object?> items, string separator)
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            if (!first)
                text.Append(separator);
            text.Append(Str(item));
            first = false;
        }
        return text.ToString();
    }
}
