namespace Dynamo.Abstractions.Requests;

/// <summary>How to pick tokens. Temperature 0 means greedy.</summary>
public sealed record SamplingParams(
    float Temperature = 1f,
    float TopP = 1f,
    int TopK = 0,
    long? Seed = null)
{
    public static readonly SamplingParams Greedy = new(Temperature: 0f);
}
