using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Dynamo.Planner.Inputs;

/// <summary>Reads the samples of a Prometheus text exposition (what <c>/metrics</c> serves), as a scraper would.</summary>
internal static partial class PrometheusText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = Sample().Match(line);
            if (match.Success && ParseValue(match.Groups["value"].Value) is { } value)
                samples.Add(new MetricSample(match.Groups["name"].Value, Labels(match.Groups["labels"].Value), value));
        }
        return samples;
    }

    public static double? ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null,
    };

    private static Dictionary<string, string> Labels(string labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Label().Matches(labels))
            result[m.Groups[1].Value] = Unescape(m.Groups[2].Value);
        return result;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\'))
            return value;
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
                text.Append(value[++i] == 'n' ? '\n' : value[i]);
            else
                text.Append(value[i]);
        }
        return text.ToString();
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[^}"]|"(?:[^"\\]|\\.)*")*)\})?\s+(?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)" """ + "?")]
    private static partial Regex Label();
}
