namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>
/// Jinja's default <c>Undefined</c>: prints as nothing, is false, iterates as empty and has
/// length 0, but any attribute, item, call or arithmetic on it fails with a message naming
/// what was missing.
/// </summary>
internal sealed class Undefined(string hint)
{
    /// <summary>"'foo' is undefined" or "'dict object' has no attribute 'bar'".</summary>
    public string Hint { get; } = hint;

    public static Undefined Named(string name) => new($"'{name}' is undefined");

    public TemplateRuntimeException Fail() => new(Hint);

    public override string ToString() => "";
}
