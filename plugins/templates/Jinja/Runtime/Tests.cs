using System.Collections;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The tests of <c>x is name</c> (and of select/reject).</summary>
internal static class Tests
{
    public static bool Apply(string name, object? value, IReadOnlyList<object?> args)
    {
        object? Arg(int i) => i < args.Count ? args[i] : throw new TemplateRuntimeException($"the test '{name}' needs an argument");
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "mapping" => value is IDictionary,
            "sequence" => value is string or IList or IDictionary,
            "iterable" => value is string or IEnumerable,
            "number" => value is long or double or bool,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "callable" => value is Callable,
            "odd" => value is long l && l % 2 != 0,
            "even" => value is long e && e % 2 == 0,
            "divisibleby" => value is long d && Arg(0) is long by && by != 0 && d % by == 0,
            "lower" => value is string s && s == s.ToLowerInvariant(),
            "upper" => value is string u && u == u.ToUpperInvariant(),
            "equalto" or "eq" or "==" or "sameas" => Values.Equals(value, Arg(0)),
            "ne" or "!=" => !Values.Equals(value, Arg(0)),
            "lt" or "lessthan" or "<" => Values.Compare(value, Arg(0)) < 0,
            "le" or "<=" => Values.Compare(value, Arg(0)) <= 0,
            "gt" or "greaterthan" or ">" => Values.Compare(value, Arg(0)) > 0,
            "ge" or ">=" => Values.Compare(value, Arg(0)) >= 0,
            "in" => Values.Contains(Arg(0), value),
            _ => throw new TemplateRuntimeException($"no test named '{name}'"),
        };
    }
}
