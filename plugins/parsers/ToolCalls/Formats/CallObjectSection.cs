using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>A section holding one call object and then a closing tag, which may never come at the end of a stream.</summary>
internal static class CallObjectSection
{
    public static SectionScan Scan(string section, bool final, string closingTag)
    {
        var call = CallObject.Scan(section, 0);
        var calls = call.Name is null ? [] : new[] { new ScannedCall(call.Name, call.Arguments, call.Status == JsonStatus.Complete) };
        if (call.Status == JsonStatus.Invalid || (call.Status == JsonStatus.Complete && call.Name is null))
            return SectionScan.Fail(calls, call.End);
        if (call.Status == JsonStatus.Incomplete)
            return final ? SectionScan.Fail(calls, section.Length) : SectionScan.Open(calls);
        var after = JsonScan.SkipWhitespace(section, call.End);
        return Text.At(section, after, closingTag) switch
        {
            Text.Match.Yes => SectionScan.Closed(calls, after + closingTag.Length),
            Text.Match.Partial when !final => SectionScan.Open(calls),
            _ => SectionScan.Closed(calls, call.End),
        };
    }
}
