namespace Dynamo.Runtime.Tracing;

/// <summary>Where trace lines go. Called from the tracer's one writer loop only.</summary>
internal interface ITraceSink : IAsyncDisposable
{
    /// <param name="line">One JSON line, without its newline.</param>
    ValueTask WriteAsync(ReadOnlyMemory<byte> line);

    /// <summary>The queue is empty for now: make what was written readable.</summary>
    ValueTask FlushAsync();
}
