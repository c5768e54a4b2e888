namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Activations for a forward batch of up to <see cref="MaxTokens"/> tokens, [token][feature],
/// allocated once per engine so the decode loop allocates nothing.
/// </summary>
internal sealed class BatchScratch(LlamaConfig c, int maxTokens, int maxLogits, int maxPositions)
{
    public int MaxTokens { get; } = maxTokens;

    public int MaxLogits { get; } = maxLogits;

    public float[] X { get; } = new float[maxTokens * c.Dim];

    public float[] Normed { get; } = new float[maxTokens * c.Dim];

    public float[] Projected { get; } = new float[maxTokens * c.Dim];

    public float[] Q { get; } = new float[maxTokens * c.QDim];

    public float[] K { get; } = new float[maxTokens * c.KvDim];

    public float[] V { get; } = new float[maxTokens * c.KvDim];

    public float[] Attention { get; } = new float[maxTokens * c.QDim];

    public float[] Gate { get; } = new float[maxTokens * c.FfnDim];

    public float[] Up { get; } = new float[maxTokens * c.FfnDim];

    public float[] Scores { get; } = new float[maxPositions];

    /// <summary>The batch, for worker threads when attention runs in parallel.</summary>
    public BatchItem[] Items { get; } = new BatchItem[maxTokens];

    /// <summary>Attention scores of each worker thread when attention runs in parallel.</summary>
    public ThreadLocal<float[]> WorkerScores { get; } = new(() => new float[maxPositions]);

    public float[] LogitsIn { get; } = new float[maxLogits * c.Dim];

    public float[] Logits { get; } = new float[maxLogits * c.VocabSize];
}
