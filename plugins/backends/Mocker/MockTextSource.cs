using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Backends.Mocker;

/// <summary>
/// The mocker's output: words from a fixed list, chosen by a seeded generator and written in
/// the model's own token ids, so the same seed always gives the same text.
/// </summary>
internal sealed class MockTextSource
{
    private static readonly string[] Words =
    [
        "the", "model", "token", "cache", "worker", "router", "prefix", "block", "agent", "tool",
        "stream", "batch", "latency", "request", "answer", "plan", "step", "result", "context", "memory",
        "fast", "small", "ready", "again", "first", "next", "every", "simple", "careful", "clear",
        "is", "and", "with", "from", "then", "so", "we", "it", "runs", "serves",
    ];

    private readonly int[][] _encoded;
    private readonly int[]? _fixed;

    public MockTextSource(ITokenizer tokenizer, string? outputText = null)
    {
        _encoded = Words.Select(w => tokenizer.Encode(" " + w, addSpecialTokens: false)).ToArray();
        _fixed = outputText is null ? null : tokenizer.Encode(outputText, addSpecialTokens: false);
    }

    /// <summary>Tokens of the fixed answer, when there is one: no request generates more.</summary>
    public int? FixedLength => _fixed?.Length;

    /// <summary>A deterministic stream of token ids for one request.</summary>
    public IEnumerator<int> Start(long seed)
    {
        if (_fixed is not null)
            return ((IEnumerable<int>)_fixed).GetEnumerator();
        return RandomWords(seed);
    }

    private IEnumerator<int> RandomWords(long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        while (true)
            foreach (var id in _encoded[random.Next(_encoded.Length)])
                yield return id;
    }
}
