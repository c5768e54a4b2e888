using Dynamo.Abstractions.Engines;

namespace Dynamo.Host.OpenAi;

internal static class Usage
{
    public static UsageBody From(EngineUsage usage) => new(usage.PromptTokens, usage.CompletionTokens,
        usage.PromptTokens + usage.CompletionTokens, new PromptTokensDetails(usage.CachedTokens));

    /// <summary>Several choices of one prompt: the prompt once, every choice's output, and the most any choice found cached (the forks find the first one's prefill).</summary>
    public static EngineUsage Sum(IEnumerable<EngineUsage> choices)
    {
        var all = choices.ToList();
        return new EngineUsage(all[0].PromptTokens, all.Sum(u => u.CompletionTokens), all.Max(u => u.CachedTokens));
    }
}
