using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c>, one call per tag pair,
/// several in a row (Hermes, Qwen 2.5). A call is made once its JSON is whole, as the references
/// hold it: JSON that breaks (a brace missing) is no call but text, and a call cut short by the end of
/// the output is dropped. At the end of a stream a whole call whose closing tag never came is kept.
/// </summary>
internal sealed class HermesFormat : IToolCallFormat
{
    private const string Close = "</tool_call>";

    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_call>"];

    public SectionScan Scan(string section, bool final)
    {
        var call = CallObject.Scan(section, 0);
        return call.Status switch
        {
            // Cut short by the end of the output: no call, and the half-written markup is not shown either.
            JsonStatus.Incomplete => final ? SectionScan.Closed([], section.Length) : SectionScan.Open([]),
            JsonStatus.Invalid => SectionScan.Fail([], call.End),
            // Whole JSON that names no function: a wrapper no one can use, dropped.
            _ when call.Name is null => SectionScan.CloseWith([], section, call.End, Close, final),
            _ => SectionScan.CloseWith([new ScannedCall(call.Name, call.Arguments, true)], section, call.End, Close, final),
        };
    }
}
