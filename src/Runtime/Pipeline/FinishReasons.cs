using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>OpenAI's spelling of <see cref="FinishReason"/>.</summary>
internal static class FinishReasons
{
    public static string Name(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
