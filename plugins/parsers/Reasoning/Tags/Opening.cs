namespace Dynamo.Parsers.Reasoning.Tags;

/// <summary>Whether an output begins inside reasoning when the request's thinking switch does not say.</summary>
internal enum Opening
{
    /// <summary>Reasoning starts only at a start marker the model writes.</summary>
    AtStartMarker,

    /// <summary>The template opened the thought: the output begins in reasoning (DeepSeek R1, Qwen3 thinking).</summary>
    InReasoning,
}
