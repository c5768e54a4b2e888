namespace Dynamo.Backends.Llama.Model;

/// <summary>One sequence's KV cache, laid out [layer][position][kv dim], and its latest logits.</summary>
internal sealed class SequenceState(LlamaConfig c, int maxPositions)
{
    public int MaxPositions { get; } = maxPositions;

    public float[] Keys { get; } = new float[(long)c.Layers * maxPositions * c.KvDim];

    public float[] Values { get; } = new float[(long)c.Layers * maxPositions * c.KvDim];

    public float[] Logits { get; } = new float[c.VocabSize];

    /// <summary>Tokens already in the cache.</summary>
    public int Length { get; set; }
}
