using System.Globalization;
using System.Text.RegularExpressions;

namespace Dynamo.Testing;

/// <summary>Reads samples out of a Prometheus text exposition, as a scraper would.</summary>
public static partial class PrometheusText
{
    /// <summary>
    /// The value of the one sample named <paramref name="name"/> whose labels include every one of
    /// <paramref name="labels"/> (<c>"model=mock"</c>); other labels (the exporter's scope) may be there too.
    /// </summary>
    public static double Value(string text, string name, params string[] labels)
    {
        var wanted = labels.Select(l => l.Split('=', 2)).Select(p => (p[0], p[1])).ToList();
        var matches = text.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => wanted.All(w => Labels(m.Groups["labels"].Value).Contains(w)))
            .ToList();
        return matches.Count == 1
            ? double.Parse(matches[0].Groups["value"].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{matches.Count} samples of {name}{{{string.Join(",", labels)}}} in:\n{text}");
    }

    private static HashSet<(string, string)> Labels(string labels) =>
        [.. Label().Matches(labels).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)" """ + "?")]
    private static partial Regex Label();
}
