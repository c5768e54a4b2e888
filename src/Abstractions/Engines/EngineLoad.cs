namespace Dynamo.Abstractions.Engines;

/// <summary>A point-in-time view of an engine's work, for routing and metrics.</summary>
/// <param name="ActiveRequests">Requests admitted and not yet finished.</param>
/// <param name="WaitingRequests">Requests queued for admission.</param>
/// <param name="ActiveKvBlocks">KV blocks in use by running requests.</param>
/// <param name="QueuedPrefillTokens">Prompt tokens still to prefill (waiting + in progress).</param>
/// <param name="HeldSessionTokens">Tokens of KV held for open sessions (<c>session_control</c> open), outside eviction.</param>
public readonly record struct EngineLoad(
    int ActiveRequests,
    int WaitingRequests,
    int ActiveKvBlocks,
    long QueuedPrefillTokens,
    int HeldSessionTokens = 0);
