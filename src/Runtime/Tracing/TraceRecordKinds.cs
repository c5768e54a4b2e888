namespace Dynamo.Runtime.Tracing;

/// <summary>The record types of <c>DYN_REQUEST_TRACE_RECORDS</c>.</summary>
public static class TraceRecordKinds
{
    public const string RequestEnd = "request_end";
    public const string RequestPayload = "request_payload";
    public const string Tool = "tool";
    public const string RouterSelection = "router_selection";
}
