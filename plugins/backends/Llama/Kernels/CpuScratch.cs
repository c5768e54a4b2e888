using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>The CPU pass's activations for a batch, [token][feature].</summary>
internal sealed class CpuScratch(LlamaConfig c, int maxTokens, int maxLogits) : ForwardScratch(maxTokens, maxLogits)
{
    public float[] X { get; } = new float[maxTokens * c.Dim];

    public float[] Normed { get; } = new float[maxTokens * c.Dim];

    public float[] Projected { get; } = new float[maxTokens * c.Dim];

    public float[] Q { get; } = new float[maxTokens * c.QDim];

    public float[] K { get; } = new float[maxTokens * c.KvDim];

    public float[] V { get; } = new float[maxTokens * c.KvDim];

    public float[] Attention { get; } = new float[maxTokens * c.QDim];

    public float[] Gate { get; } = new float[maxTokens * c.FfnDim];

    public float[] Up { get; } = new float[maxTokens * c.FfnDim];

    public float[] Scores { get; } = new float[c.ContextLength];

    /// <summary>The batch, for worker threads when attention runs in parallel.</summary>
    public BatchItem[] Items { get; } = new BatchItem[maxTokens];

    /// <summary>Attention scores of each worker thread when attention runs in parallel.</summary>
    public ThreadLocal<float[]> WorkerScores { get; } = new(() => new float[c.ContextLength]);

    public float[] LogitsIn { get; } = new float[maxLogits * c.Dim];

    public float[] Logits { get; } = new float[maxLogits * c.VocabSize];
}
