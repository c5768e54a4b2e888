namespace Dynamo.Runtime.Tracing;

/// <summary>Bare records, one per line, on standard error, for a container's log collector.</summary>
internal sealed class StderrTraceSink(Stream? stream = null) : ITraceSink
{
    private readonly Stream _stderr = stream ?? Console.OpenStandardError();

    public async ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json)
    {
        await _stderr.WriteAsync(json);
        _stderr.WriteByte((byte)'\n');
    }

    public ValueTask FlushAsync() => new(_stderr.FlushAsync());

    public ValueTask DisposeAsync() => _stderr.DisposeAsync();
}
