namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Anything a template may call: globals, bound methods, macros, <c>caller</c>, <c>loop.cycle</c>.</summary>
internal sealed class Callable(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named) => invoke(positional, named);
}
