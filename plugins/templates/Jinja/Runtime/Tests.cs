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
            // Undefined has a length and iterates as empty, so jinja2 counts it a sequence and iterable.
            "sequence" => value is string or IList or IDictionary or Undefined,
            "iterable" => value is string or IEnumerable or Undefined,
            "number" => Values.IsNumber(value),
            "integer" => value is long or System.Numerics.BigInteger,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "callable" => value is Callable,
            "odd" => Values.IsInteger(value) && !Values.ToInteger(value).IsEven,
            "even" => Values.IsInteger(value) && Values.ToInteger(value).IsEven,
            "divisibleby" => Values.IsInteger(value) && Values.IsInteger(Arg(0)) && !Values.ToInteger(Arg(0)).IsZero && (Values.ToInteger(value) % Values.ToInteger(Arg(0))).IsZero,
            "lower" => Methods.IsLower(Values.Str(value)),
            "upper" => Methods.IsUpper(Values.Str(value)),
            "equalto" or "eq" or "==" or "sameas" => Values.Equals(value, Arg(0)),
            "ne" or "!=" => !Values.Equals(value, Arg(0)),
            "lt" or "lessthan" or "<" => Values.Compare(value, Arg(0), "<") < 0,
            "le" or "<=" => Values.Compare(value, Arg(0), "<=") <= 0,
            "gt" or "greaterthan" or ">" => Values.Compare(value, Arg(0), ">") > 0,
            "ge" or ">=" => Values.Compare(value, Arg(0), ">=") >= 0,
            "in" => Values.Contains(Arg(0), value),
            _ => throw new TemplateRuntimeException($"no test named '{name}'"),
        };
    }
}
