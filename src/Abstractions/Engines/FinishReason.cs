namespace Dynamo.Abstractions.Engines;

/// <summary>Why generation ended, in OpenAI's terms.</summary>
public enum FinishReason
{
    /// <summary>A stop token or stop string.</summary>
    Stop,
    /// <summary>max_tokens or the context length.</summary>
    Length,
    /// <summary>The host's tool-call parser found calls (set by the host, not engines).</summary>
    ToolCalls,
}
