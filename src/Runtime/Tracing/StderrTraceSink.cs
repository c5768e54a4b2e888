namespace Dynamo.Runtime.Tracing;

/// <summary>Trace lines on standard error, for a container's log collector.</summary>
internal sealed class StderrTraceSink : ITraceSink
{
    private readonly Stream _stderr = Console.OpenStandardError();

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> line)
    {
        await _stderr.WriteAsync(line);
        _stderr.WriteByte((byte)'\n');
    }

    public ValueTask FlushAsync() => new(_stderr.FlushAsync());

    public ValueTask DisposeAsync() => _stderr.DisposeAsync();
}
