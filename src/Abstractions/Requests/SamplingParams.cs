namespace Dynamo.Abstractions.Requests;

/// <summary>How to pick tokens. Temperature 0 means greedy; penalties at their defaults are off.</summary>
/// <param name="MinP">Drop tokens whose probability is below this fraction of the most likely one's (0 = off).</param>
/// <param name="RepetitionPenalty">Divide positive (multiply negative) logits of tokens already in the prompt or output (1 = off).</param>
/// <param name="PresencePenalty">Subtract from the logit of every token already generated (OpenAI's, -2 to 2).</param>
/// <param name="FrequencyPenalty">Subtract this times the count of each token already generated (OpenAI's, -2 to 2).</param>
public sealed record SamplingParams(
    float Temperature = 1f,
    float TopP = 1f,
    int TopK = 0,
    long? Seed = null,
    float MinP = 0f,
    float RepetitionPenalty = 1f,
    float PresencePenalty = 0f,
    float FrequencyPenalty = 0f)
{
    public static readonly SamplingParams Greedy = new(Temperature: 0f);

    /// <summary>A 64-bit seed folded to the 32 bits <see cref="Random"/> takes (both halves count).</summary>
    public static int Fold(long seed) => unchecked((int)(seed ^ (seed >> 32)));

    public bool HasPenalties => RepetitionPenalty != 1f || PresencePenalty != 0f || FrequencyPenalty != 0f;
}
