using Dynamo.Runtime.Tracing;
using NATS.Client.Core;

namespace Dynamo.Distributed;

/// <summary>
/// The <c>nats</c> request trace sink of a distributed frontend: each bare record published to
/// <c>DYN_REQUEST_TRACE_NATS_SUBJECT</c> (default <c>dynamo.request_trace.v1</c>) on the frontend's
/// NATS server, over a connection of its own made at the first record.
/// </summary>
internal sealed class NatsTraceSink(NatsOptions nats, RequestTraceOptions trace) : ITraceSink
{
    private NatsConnection? _connection;

    public async ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json)
    {
        _connection ??= await NatsConnector.ConnectAsync(nats, "dynamo-request-trace");
        await _connection.PublishAsync(trace.NatsSubject, json);
    }

    // A round trip: every record published so far has reached the server.
    public async ValueTask FlushAsync()
    {
        if (_connection is not null)
            await _connection.PingAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
    }
}
