using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Errors;

/// <summary>
/// A request the runtime refuses or fails, with what every front door needs to answer it in its
/// own shape: the kind, a message safe to show, the field at fault and a machine-readable code.
/// </summary>
public sealed class DynamoRequestException(RequestErrorKind kind, string message, string? param = null, string? code = null, Exception? inner = null)
    : Exception(message, inner)
{
    public RequestErrorKind Kind { get; } = kind;

    /// <summary>The request field at fault (e.g. <c>messages[0].content</c>), where one is.</summary>
    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static DynamoRequestException BadRequest(string message, string? param = null, string? code = null) =>
        new(RequestErrorKind.InvalidRequest, message, param, code);

    public static DynamoRequestException ModelNotFound(string model) =>
        new(RequestErrorKind.NotFound, $"The model '{model}' does not exist.", "model", "model_not_found");

    public static DynamoRequestException NoWorkers(string model) =>
        new(RequestErrorKind.Unavailable, $"No worker is serving the model '{model}' right now; try again when one has registered.", "model", "no_workers");

    public static DynamoRequestException Overloaded(string model) =>
        new(RequestErrorKind.Overloaded, $"Every worker of the model '{model}' is over its busy threshold; retry later.", "model", "overloaded");

    public static DynamoRequestException Internal(string message, Exception? inner = null) =>
        new(RequestErrorKind.Internal, message, inner: inner);

    /// <summary>
    /// Any failure of a request as the error to send: engine failures with their message, anything
    /// else as an internal error that points to the log (never a stack trace).
    /// </summary>
    public static DynamoRequestException From(Exception exception) => exception switch
    {
        DynamoRequestException known => known,
        EngineException { IsClientError: true } engine => BadRequest(engine.Message),
        EngineException engine => Internal($"The engine failed: {engine.Message}", engine),
        _ => Internal("Internal error while handling the request; see the server log.", exception),
    };
}
