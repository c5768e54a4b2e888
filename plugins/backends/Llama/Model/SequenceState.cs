namespace Dynamo.Backends.Llama.Model;

/// <summary>One sequence: its block table into the paged KV cache, how far it is, and its latest logits.</summary>
internal sealed class SequenceState(KvBlockPool pool, int maxPositions, int vocabSize)
{
    public KvBlockPool Pool { get; } = pool;

    /// <summary>Pool blocks holding positions [b·BlockSize, (b+1)·BlockSize).</summary>
    public List<int> Blocks { get; } = [];

    public int MaxPositions { get; } = maxPositions;

    public float[] Logits { get; } = new float[vocabSize];

    /// <summary>Tokens already in the cache.</summary>
    public int Length { get; set; }

    /// <summary>Where K (or V) of <paramref name="position"/> in <paramref name="layer"/> starts in the pool.</summary>
    public int Offset(int layer, int position) =>
        Pool.Offset(Blocks[position / Pool.BlockSize], layer, position % Pool.BlockSize);
}
