using System.Text.RegularExpressions;

namespace Dynamo.Runtime.Models;

/// <summary>Other names for served models: glob patterns, the most specific (most literal characters) tried first.</summary>
internal sealed class ModelAliases
{
    private readonly List<(Regex Pattern, string Model)> _aliases;

    public ModelAliases(IEnumerable<KeyValuePair<string, string>> aliases) =>
        _aliases = [.. aliases
            .OrderByDescending(a => a.Key.Count(c => c is not ('*' or '?')))
            .Select(a => (new Regex("^" + Regex.Escape(a.Key).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant), a.Value))];

    /// <summary>The served model <paramref name="name"/> stands for, or null.</summary>
    public string? Resolve(string name) => _aliases.FirstOrDefault(a => a.Pattern.IsMatch(name)).Model;
}
