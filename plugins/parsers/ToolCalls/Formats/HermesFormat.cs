using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c>, one call per tag pair,
/// several in a row (Hermes, Qwen 2.5). A call whose closing tag never came is kept at the end
/// of the stream when its JSON is whole.
/// </summary>
internal sealed class HermesFormat : IToolCallFormat
{
    private const string End = "</tool_call>";

    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_call>"];

    public SectionScan Scan(string section, bool final)
    {
        var call = CallObject.Scan(section, 0);
        var calls = call.Name is null ? [] : new[] { new ScannedCall(call.Name, call.Arguments, call.Status == JsonStatus.Complete) };
        switch (call.Status)
        {
            case JsonStatus.Invalid:
                return SectionScan.Fail(calls, call.End);
            case JsonStatus.Incomplete:
                return final ? SectionScan.Fail(calls, section.Length) : SectionScan.Open(calls);
        }
        if (call.Name is null)
            return SectionScan.Fail([], call.End);
        var after = Json.JsonScan.SkipWhitespace(section, call.End);
        return Text.At(section, after, End) switch
        {
            Text.Match.Yes => SectionScan.Closed(calls, after + End.Length),
            Text.Match.Partial when !final => SectionScan.Open(calls),
            _ => SectionScan.Closed(calls, call.End),
        };
    }
}
