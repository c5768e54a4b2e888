using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>A whole text completion.</summary>
public sealed record TextResult(string RequestId, string Model, string Text, FinishReason Finish, EngineUsage Usage);
