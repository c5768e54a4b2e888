using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>The CPU pass's activations for a batch, [token][feature].</summary>
internal sealed class CpuScratch(LlamaConfig c, int maxTokens, int maxLogits) : ForwardScratch(maxTokens, maxLogits)
{
    public float[] X { get; } = new float[maxTokens * c.Dim];

    public InputRows Normed { get; } = new(maxTokens * c.Dim);

    public float[] Projected { get; } = new float[maxTokens * c.Dim];

    public float[] Q { get; } = new float[maxTokens * c.QDim];

    public float[] K { get; } = new float[maxTokens * c.KvDim];

    public float[] V { get; } = new float[maxTokens * c.KvDim];

    public InputRows Attention { get; } = new(maxTokens * c.QDim);

    public InputRows Gate { get; } = new(maxTokens * c.FfnDim);

    public float[] Up { get; } = new float[maxTokens * c.FfnDim];

    /// <summary>Each token's RoPE angles as cosines and sines, [token][pair], shared by every layer.</summary>
    public float[] RopeCos { get; } = new float[maxTokens * (c.RopeDim / 2)];

    public float[] RopeSin { get; } = new float[maxTokens * (c.RopeDim / 2)];

    /// <summary>The batch, where worker threads can read it.</summary>
    public BatchItem[] Items { get; } = new BatchItem[maxTokens];

    /// <summary>Attention scores, one buffer per CPU thread.</summary>
    public float[][] Scores { get; } = Enumerable.Range(0, CpuThreads.Shared.Count).Select(_ => new float[c.ContextLength]).ToArray();

    public InputRows LogitsIn { get; } = new(maxLogits * c.Dim);

    public float[] Logits { get; } = new float[maxLogits * c.VocabSize];
}
