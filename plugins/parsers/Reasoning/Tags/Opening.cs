namespace Dynamo.Parsers.Reasoning.Tags;

/// <summary>Whether an output begins inside reasoning: whether the family's template opens the thought in the prompt.</summary>
internal enum Opening
{
    /// <summary>The model writes the start marker itself: reasoning starts only there, whatever the thinking switch says.</summary>
    AtStartMarker,

    /// <summary>The template opens the thought unless thinking is off (DeepSeek R1, Qwen3 thinking models).</summary>
    InReasoning,

    /// <summary>The template opens the thought only when thinking is switched on (DeepSeek V4).</summary>
    WhenThinkingOn,
}
