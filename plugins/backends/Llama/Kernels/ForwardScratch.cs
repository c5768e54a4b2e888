namespace Dynamo.Backends.Llama.Kernels;

/// <summary>A forward pass's working memory for batches of up to <see cref="MaxTokens"/> tokens, allocated once so the decode loop allocates nothing.</summary>
internal abstract class ForwardScratch(int maxTokens, int maxLogits)
{
    public int MaxTokens { get; } = maxTokens;

    public int MaxLogits { get; } = maxLogits;
}
