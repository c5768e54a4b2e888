namespace Dynamo.Host.OpenAi;

/// <summary>A request the frontend refuses, with the status and OpenAI error fields to send back.</summary>
internal sealed class OpenAiException(int status, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public ErrorBody ToBody() => new(new ErrorDetail(Message, Type, Param, Code));

    public static OpenAiException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static OpenAiException ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist.", "invalid_request_error", "model", "model_not_found");

    public static OpenAiException Internal(string message) =>
        new(StatusCodes.Status500InternalServerError, message, "internal_server_error");
}
