using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>A section holding one call object and then a closing tag (if the family has one), which may never come at the end of a stream.</summary>
internal static class CallObjectSection
{
    public static SectionScan Scan(string section, bool final, string? closingTag)
    {
        var call = CallObject.Scan(section, 0);
        var calls = call.Name is null ? [] : new[] { new ScannedCall(call.Name, call.Arguments, call.Status == JsonStatus.Complete) };
        if (call.Status == JsonStatus.Invalid || (call.Status == JsonStatus.Complete && call.Name is null))
            return SectionScan.Fail(calls, call.End);
        return call.Status == JsonStatus.Incomplete
            ? SectionScan.Unfinished(calls, section, final)
            : closingTag is null ? SectionScan.Closed(calls, call.End) : SectionScan.CloseWith(calls, section, call.End, closingTag, final);
    }
}
