using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Backends.Mocker;

/// <summary>
/// The mocker's output: words from a fixed list, chosen by a seeded generator and written in
/// the model's own token ids, so the same seed always gives the same text; or a scripted answer
/// chosen by how many tool results the prompt holds.
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

    private readonly ITokenizer _tokenizer;
    private readonly int[][] _encoded;
    private readonly int[][]? _script;
    private readonly string _toolResultMarker;

    public MockTextSource(ITokenizer tokenizer, IReadOnlyList<string>? script = null, string toolResultMarker = "\ntool: ")
    {
        (_tokenizer, _toolResultMarker) = (tokenizer, toolResultMarker);
        _encoded = [.. Words.Select(w => tokenizer.Encode(" " + w, addSpecialTokens: false))];
        _script = script?.Select(answer => tokenizer.Encode(answer, addSpecialTokens: false)).ToArray();
    }

    /// <summary>The scripted answer for this prompt (by the tool results it holds), or null when the output is random words.</summary>
    public int[]? ScriptedAnswer(IReadOnlyList<int> prompt)
    {
        if (_script is null)
            return null;
        if (_script.Length == 1)
            return _script[0];
        var text = _tokenizer.Decode([.. prompt]);
        var toolResults = 0;
        for (var at = text.IndexOf(_toolResultMarker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(_toolResultMarker, at + 1, StringComparison.Ordinal))
            toolResults++;
        return _script[Math.Min(toolResults, _script.Length - 1)];
    }

    /// <summary>A deterministic stream of token ids for one request: its scripted answer, else seeded words.</summary>
    public IEnumerator<int> Start(int[]? answer, long seed) => answer is not null ? ((IEnumerable<int>)answer).GetEnumerator() : RandomWords(seed);

    private IEnumerator<int> RandomWords(long seed)
    {
        var random = new Random(Abstractions.Requests.SamplingParams.Fold(seed));
        while (true)
            foreach (var id in _encoded[random.Next(_encoded.Length)])
                yield return id;
    }
}
