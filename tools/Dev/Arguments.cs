using System.Globalization;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev;

/// <summary>The tools' <c>--name value</c> options; a value that is not a number is a usage error, never a stack trace.</summary>
internal static class Arguments
{
    /// <summary>The <c>--name value</c> option of <paramref name="args"/>, else <paramref name="fallback"/>.</summary>
    public static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) => Option(args, name, "") is { Length: > 0 } text ? Int(text, name) : fallback;

    public static double Double(string[] args, string name, double fallback) => Option(args, name, "") is { Length: > 0 } text ? Double(text, name) : fallback;

    public static int Int(string text, string name) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new DynamoConfigurationException($"{name} must be a whole number, got '{text}'.");

    public static double Double(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw new DynamoConfigurationException($"{name} must be a number, got '{text}'.");
}
