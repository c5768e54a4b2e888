using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary>Chat log probabilities as OpenAI writes them: <c>{"content": [{"token", "logprob", "bytes", "top_logprobs"}]}</c>.</summary>
internal sealed record ChatLogprobs(List<TokenLogprobOut> Content)
{
    public object? Refusal => null;

    public static ChatLogprobs? From(IReadOnlyList<LogprobEntry>? entries) => entries is null ? null
        : new([.. entries.Select(e => new TokenLogprobOut(e.Token, e.Logprob, e.Bytes.Select(b => (int)b).ToList(),
            [.. e.Top.Select(a => new TopLogprobOut(a.Token, a.Logprob, a.Bytes.Select(b => (int)b).ToList()))]))]);
}

internal sealed record TokenLogprobOut(string Token, float Logprob, List<int> Bytes, List<TopLogprobOut> TopLogprobs);

internal sealed record TopLogprobOut(string Token, float Logprob, List<int> Bytes);

/// <summary>Text-completion log probabilities, OpenAI's legacy form: parallel lists, and a map per token of the most likely.</summary>
internal sealed record CompletionLogprobs(List<string> Tokens, List<float> TokenLogprobs, List<Dictionary<string, float>> TopLogprobs, List<int> TextOffset)
{
    public static CompletionLogprobs? From(IReadOnlyList<LogprobEntry>? entries, int offset = 0)
    {
        if (entries is null)
            return null;
        var offsets = new List<int>();
        foreach (var e in entries)
        {
            offsets.Add(offset);
            offset += e.Token.Length;
        }
        return new([.. entries.Select(e => e.Token)], [.. entries.Select(e => e.Logprob)],
            [.. entries.Select(e => e.Top.GroupBy(a => a.Token).ToDictionary(g => g.Key, g => g.Max(a => a.Logprob)))], offsets);
    }
}
