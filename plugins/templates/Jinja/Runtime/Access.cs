using System.Collections;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Jinja's <c>x.name</c> (attribute first, then item) and <c>x[key]</c> (item first, then attribute); a miss is Undefined, a miss on Undefined fails.</summary>
internal static class Access
{
    public static object? Attribute(object? target, string name)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case LoopContext loop:
                return loop.Attribute(name);
            case Namespace ns:
                return ns.TryGetValue(name, out var value) ? value : new Undefined($"'Namespace' has no attribute '{name}'");
        }
        if (Methods.Find(target, name) is { } method)
            return method;
        return Item(target, name, attributeFallback: false);
    }

    public static object? Item(object? target, object? key, bool attributeFallback = true)
    {
        switch (target)
        {
            case Undefined u:
                throw u.Fail();
            case Namespace ns when key is string name:
                return ns.TryGetValue(name, out var nsValue) ? nsValue : Missing(target, key);
            case IDictionary dict:
                if (key is not null && dict.Contains(key))
                    return dict[key];
                break;
            case IList list when key is long or bool:
                var index = key is bool b ? (b ? 1 : 0) : (long)key;
                if (index < 0)
                    index += list.Count;
                if (index >= 0 && index < list.Count)
                    return list[(int)index];
                break;
            case string s when key is long at:
                if (at < 0)
                    at += s.Length;
                if (at >= 0 && at < s.Length)
                    return s[(int)at].ToString();
                break;
            case LoopContext loop when key is string name:
                return loop.Attribute(name);
        }
        if (attributeFallback && key is string attribute && Methods.Find(target, attribute) is { } method)
            return method;
        return Missing(target, key);
    }

    private static Undefined Missing(object? target, object? key) =>
        new($"'{(target is IDictionary and not Namespace ? "dict object" : Values.TypeName(target) + " object")}' has no attribute {Values.Repr(key)}");
}
