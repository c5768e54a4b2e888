namespace Dynamo.Abstractions.Preprocessing;

/// <summary>A template could not render this input; the message is shown to the client.</summary>
public sealed class ChatTemplateException(string message, Exception? inner = null) : Exception(message, inner);
