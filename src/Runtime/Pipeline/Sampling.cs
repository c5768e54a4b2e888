using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;

namespace Dynamo.Runtime.Pipeline;

/// <summary>Sampling settings as requests give them (null: the default), checked and made into <see cref="SamplingParams"/>.</summary>
public static class Sampling
{
    /// <exception cref="DynamoRequestException">A value is out of range; the error names the field as OpenAI spells it.</exception>
    public static SamplingParams From(float? temperature = null, float? topP = null, int? topK = null, long? seed = null,
        float? minP = null, float? repetitionPenalty = null, float? presencePenalty = null, float? frequencyPenalty = null)
    {
        if (temperature is < 0 or > 2 || temperature is { } t && !float.IsFinite(t))
            throw DynamoRequestException.BadRequest($"'temperature' must be between 0 and 2, got {temperature}.", "temperature");
        if (topP is <= 0 or > 1 || topP is { } p && !float.IsFinite(p))
            throw DynamoRequestException.BadRequest($"'top_p' must be greater than 0 and at most 1, got {topP}.", "top_p");
        if (topK is < -1)
            throw DynamoRequestException.BadRequest($"'top_k' must be -1, 0 (off) or positive, got {topK}.", "top_k");
        if (minP is < 0 or > 1 || minP is { } m && !float.IsFinite(m))
            throw DynamoRequestException.BadRequest($"'min_p' must be between 0 and 1, got {minP}.", "min_p");
        if (repetitionPenalty is <= 0 or > 2 || repetitionPenalty is { } r && !float.IsFinite(r))
            throw DynamoRequestException.BadRequest($"'repetition_penalty' must be greater than 0 and at most 2, got {repetitionPenalty}.", "repetition_penalty");
        if (presencePenalty is < -2 or > 2 || presencePenalty is { } pp && !float.IsFinite(pp))
            throw DynamoRequestException.BadRequest($"'presence_penalty' must be between -2 and 2, got {presencePenalty}.", "presence_penalty");
        if (frequencyPenalty is < -2 or > 2 || frequencyPenalty is { } fp && !float.IsFinite(fp))
            throw DynamoRequestException.BadRequest($"'frequency_penalty' must be between -2 and 2, got {frequencyPenalty}.", "frequency_penalty");
        return new SamplingParams(temperature ?? 1f, topP ?? 1f, Math.Max(topK ?? 0, 0), seed,
            minP ?? 0f, repetitionPenalty ?? 1f, presencePenalty ?? 0f, frequencyPenalty ?? 0f);
    }
}
