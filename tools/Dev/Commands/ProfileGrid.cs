using Dynamo.Abstractions.Engines;

namespace Dynamo.Dev.Commands;

/// <summary>
/// The points the profiler measures, from the engine's descriptor unless given: input lengths doubling from 128 up to
/// the context, batches doubling from 1 up to the batch cap (1024 at most), and a few context lengths (×4 from 128, up to half the
/// context, so a batch still has room to decode).
/// </summary>
internal sealed record ProfileGrid(int[] InputLengths, int[] Batches, int[] Contexts)
{
    private const int DefaultBatchCap = 1024;

    public static ProfileGrid For(EngineDescriptor engine, int[]? inputLengths, int[]? batches, int[]? contexts, int maxInput, int maxBatch)
    {
        // A prompt must leave room for its one output token.
        var longest = Math.Min(engine.MaxContextLength - 1, maxInput);
        // An engine without a batch cap (echo says int.MaxValue) is swept as far as a large real one.
        var widest = Math.Min(Math.Min(engine.MaxBatchSize, DefaultBatchCap), maxBatch);
        return new ProfileGrid(
            inputLengths ?? Series(Math.Min(128, longest), 2, longest),
            batches ?? Series(1, 2, widest),
            contexts ?? Series(Math.Clamp(engine.MaxContextLength / 4, 1, 128), 4, Math.Max(1, engine.MaxContextLength / 2)));
    }

    /// <summary><paramref name="first"/>, then ×<paramref name="factor"/> while below <paramref name="last"/>, then <paramref name="last"/> itself.</summary>
    private static int[] Series(int first, int factor, int last)
    {
        var values = new List<int>();
        for (long value = first; value < last; value *= factor)
            values.Add((int)value);
        values.Add(last);
        return [.. values.Where(v => v >= 1).Distinct()];
    }
}
