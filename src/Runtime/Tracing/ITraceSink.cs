namespace Dynamo.Runtime.Tracing;

/// <summary>Where trace records go (<c>DYN_REQUEST_TRACE_SINKS</c>). Called from the tracer's one writer loop only.</summary>
internal interface ITraceSink : IAsyncDisposable
{
    /// <param name="line">The record and when it was recorded (Unix ms).</param>
    /// <param name="json">The record as JSON, without a newline.</param>
    ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json);

    /// <summary>The queue is empty for now: make what was written readable.</summary>
    ValueTask FlushAsync();
}

/// <summary>A queued record and the time it was recorded (the <c>timestamp</c> of a file line).</summary>
internal readonly record struct TraceLine(long Timestamp, TraceEvent Event);
