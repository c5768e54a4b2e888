namespace Dynamo.Grammar.Pda.Json;

/// <summary>
/// The JSON Schema <c>format</c>s generated as patterns (RFC 3339 dates and times, RFC 4122 UUIDs, a
/// practical subset of RFC 5322 addresses and RFC 3986 URIs): every string they produce is valid for
/// its format, not every valid string is produced.
/// </summary>
internal static class StringFormats
{
    // Years 0001 to 9999 (year zero is not a date .NET or many validators accept); each month its own days, February 29 in leap years.
    private const string Year = @"(\d{3}[1-9]|\d{2}[1-9]0|\d[1-9]00|[1-9]000)";
    private const string LeapYear = @"(\d\d(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)";
    private const string Date = $@"({Year}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|02-(0[1-9]|1\d|2[0-8]))|{LeapYear}-02-29)";
    private const string Time = @"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)";

    /// <summary>The format's pattern, or null for a format this engine does not generate.</summary>
    public static string? Pattern(string format) => format switch
    {
        "date" => Date,
        "time" => Time,
        "date-time" => $"{Date}T{Time}",
        "uuid" => @"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "email" => @"[a-zA-Z0-9_+-]{1,24}@[a-z0-9]{1,20}(\.[a-z0-9]{1,20})?\.[a-z]{2,6}",
        "uri" => @"[a-zA-Z][a-zA-Z0-9+.-]*://[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(/[a-zA-Z0-9._~-]*)*(\?[a-zA-Z0-9._~=&-]*)?",
        "ipv4" => @"((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)",
        _ => null,
    };
}
