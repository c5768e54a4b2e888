namespace Dynamo.Abstractions.Constraints;

/// <summary>A grammar that cannot be compiled: malformed, or using what the engine does not support. The message names the part.</summary>
/// <param name="path">Where in the grammar (a JSON pointer into a schema, a rule name, a regex offset), if known.</param>
public sealed class GrammarException(string message, string? path = null) : Exception(message)
{
    public string? Path { get; } = path;
}
