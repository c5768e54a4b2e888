namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Variables of one frame (the template, a loop iteration, a macro call), falling back to the enclosing frames.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = [];

    public object? Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
            if (scope._variables.TryGetValue(name, out var value))
                return value;
        return Undefined.Named(name);
    }

    public Scope? Parent { get; } = parent;

    public void Set(string name, object? value) => _variables[name] = value;
}
