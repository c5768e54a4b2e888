namespace Dynamo.Templates.Jinja;

/// <summary>A template that cannot be parsed, or a failure while rendering: the message names the line.</summary>
public sealed class TemplateException(string message, int line) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}
