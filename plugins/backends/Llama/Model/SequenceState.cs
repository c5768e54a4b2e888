namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// One sequence's KV cache and scratch buffers, allocated once when it starts so the decode loop
/// allocates nothing. K and V are laid out [layer][position][kv dim].
/// </summary>
internal sealed class SequenceState(LlamaConfig c, int maxPositions)
{
    public int MaxPositions { get; } = maxPositions;

    public float[] Keys { get; } = new float[(long)c.Layers * maxPositions * c.KvDim];

    public float[] Values { get; } = new float[(long)c.Layers * maxPositions * c.KvDim];

    public float[] X { get; } = new float[c.Dim];

    public float[] Normed { get; } = new float[Math.Max(c.Dim, c.QDim)];

    public float[] Q { get; } = new float[c.QDim];

    public float[] K { get; } = new float[c.KvDim];

    public float[] V { get; } = new float[c.KvDim];

    public float[] AttentionOut { get; } = new float[c.QDim];

    public float[] Scores { get; } = new float[maxPositions];

    public float[] Gate { get; } = new float[c.FfnDim];

    public float[] Up { get; } = new float[c.FfnDim];

    public float[] Logits { get; } = new float[c.VocabSize];

    /// <summary>Tokens already in the cache.</summary>
    public int Length { get; set; }
}
