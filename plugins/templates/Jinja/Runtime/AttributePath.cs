namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>
/// jinja2's attribute getter for filters (map, selectattr, sort, unique, sum, join, min, max):
/// "a.b.0" looks up a, then b, then index 0, each as <c>x[part]</c>; "a,b" (sort only) is a
/// tuple of such paths; strings are lowered unless case matters.
/// </summary>
internal static class AttributePath
{
    /// <param name="fallback">map's default: what a missing step gives instead of Undefined (none: Undefined).</param>
    public static object? Get(object? item, object? path, object? fallback = null)
    {
        if (path is null)
            return item;
        var parts = path is string text ? text.Split('.').Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? long.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : (object)p) : [path];
        foreach (var part in parts)
        {
            item = Access.Item(item, part);
            if (item is Undefined && fallback is not null)
                item = fallback;
        }
        return item;
    }

    /// <summary>The sort key of an item: the path's value (a list of them for "a,b"), lowered where case does not matter.</summary>
    public static object? Key(object? item, object? path, bool caseSensitive)
    {
        if (path is string text && text.Contains(','))
            return text.Split(',').Select(p => Key(item, p, caseSensitive)).ToList();
        var value = Get(item, path);
        return !caseSensitive && value is string s ? s.ToLowerInvariant() : value;
    }
}
