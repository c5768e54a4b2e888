using Dynamo.Abstractions.Engines;

namespace Dynamo.Host.Pipeline;

/// <summary>New text from the engine, detokenized and stop-checked; the last one says why it ended.</summary>
internal sealed record TextDelta(string Text, FinishReason? Finish, EngineUsage? Usage);
