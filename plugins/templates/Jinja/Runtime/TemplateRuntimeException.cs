namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>A failure while rendering, before the renderer adds the line it happened on.</summary>
internal sealed class TemplateRuntimeException(string message) : Exception(message);
