using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>New text from the engine, detokenized and stop-checked; the last one says why it ended.</summary>
public sealed record TextDelta(string Text, FinishReason? Finish, EngineUsage? Usage);
