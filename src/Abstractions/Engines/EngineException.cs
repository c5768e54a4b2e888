namespace Dynamo.Abstractions.Engines;

/// <summary>
/// An engine's way to refuse or fail a request with a message safe to show the client
/// (the host maps it to a 400 when <see cref="IsClientError"/>, else a 500).
/// </summary>
public sealed class EngineException(string message, bool isClientError = false, Exception? inner = null)
    : Exception(message, inner)
{
    public bool IsClientError { get; } = isClientError;
}
