namespace Dynamo.Abstractions.Engines;

/// <summary>A generated token's log probability, and the most likely alternatives at that step (most likely first).</summary>
public sealed record TokenLogprob(int Token, float Logprob, IReadOnlyList<TokenLogprob.Alternative> Top)
{
    public readonly record struct Alternative(int Token, float Logprob);
}
