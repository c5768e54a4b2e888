namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The template called <c>raise_exception(message)</c>: a refusal of the input, not a template bug.</summary>
public sealed class RaisedException(string message) : Exception(message);
