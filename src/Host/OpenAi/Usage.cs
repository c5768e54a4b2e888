using Dynamo.Abstractions.Engines;

namespace Dynamo.Host.OpenAi;

internal static class Usage
{
    public static UsageBody From(EngineUsage usage) => new(usage.PromptTokens, usage.CompletionTokens,
        usage.PromptTokens + usage.CompletionTokens, new PromptTokensDetails(usage.CachedTokens));
}
