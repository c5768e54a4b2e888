using System.Collections;
using System.Numerics;
using System.Text.Json;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Plain .NET values (and JSON elements) into the runtime's Python-like values.</summary>
internal static class TemplateValues
{
    public static object? From(object? value) => value switch
    {
        null or bool or long or double or string or BigInteger or Undefined or Callable or Namespace => value,
        int i => (long)i,
        float f => (double)f,
        decimal m => (double)m,
        JsonElement json => JsonValues.From(json),
        OrderedDictionary<object, object?> dict => dict,
        IDictionary dict => Convert(dict),
        object?[] tuple => tuple.Select(From).ToArray(),
        IEnumerable items => items.Cast<object?>().Select(From).ToList(),
        _ => throw new ArgumentException($"A template variable cannot be a {value.GetType().Name}."),
    };

    private static OrderedDictionary<object, object?> Convert(IDictionary dict)
    {
        var result = new OrderedDictionary<object, object?>();
        foreach (var (k, v) in Values.Pairs(dict))
            result[k] = From(v);
        return result;
    }
}
