using System.Text;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.Pipeline;

/// <summary>A generated token's log probability as the APIs report it: its text and bytes, and the most likely alternatives.</summary>
public sealed record LogprobEntry(string Token, float Logprob, byte[] Bytes, IReadOnlyList<LogprobEntry.Alternative> Top)
{
    public sealed record Alternative(string Token, float Logprob, byte[] Bytes);

    public static LogprobEntry From(TokenLogprob logprob, ITokenizer tokenizer)
    {
        var bytes = tokenizer.TokenBytes(logprob.Token);
        return new LogprobEntry(Text(bytes), logprob.Logprob, bytes,
            [.. logprob.Top.Select(a => tokenizer.TokenBytes(a.Token) is var b ? new Alternative(Text(b), a.Logprob, b) : null!)]);
    }

    /// <summary>A token's text; part of a character shows as its bytes (<c>bytes:\xe2\x80</c>), as vLLM writes it.</summary>
    private static string Text(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes)
        ? Encoding.UTF8.GetString(bytes)
        : "bytes:" + string.Concat(bytes.Select(b => $"\\x{b:x2}"));
}
