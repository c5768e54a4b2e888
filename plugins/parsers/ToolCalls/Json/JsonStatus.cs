namespace Dynamo.Parsers.ToolCalls.Json;

internal enum JsonStatus
{
    /// <summary>A whole value ends at the returned position.</summary>
    Complete,

    /// <summary>Valid so far; the text ends inside the value.</summary>
    Incomplete,

    /// <summary>Not JSON at the returned position.</summary>
    Invalid,
}
