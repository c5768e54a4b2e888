namespace Dynamo.Runtime.Pipeline;

/// <summary>Log probabilities waiting for the next piece of text that goes out (text may be held back: stop strings, parsers).</summary>
internal sealed class LogprobBuffer
{
    private readonly List<LogprobEntry> _entries = [];

    /// <summary>A buffer when the request asked for log probabilities, else null.</summary>
    public static LogprobBuffer? For(PreparedRequest request) => request.Engine.Logprobs is null ? null : new LogprobBuffer();

    public void Add(IEnumerable<LogprobEntry>? entries)
    {
        if (entries is not null)
            _entries.AddRange(entries);
    }

    /// <summary>Everything waiting, which leaves the buffer empty.</summary>
    public IReadOnlyList<LogprobEntry> Take()
    {
        var taken = _entries.ToArray();
        _entries.Clear();
        return taken;
    }
}
