namespace Dynamo.Host.Responses;

/// <summary>
/// How the model's function names map back to the Responses API's tools: a <c>namespace</c> tool's
/// functions are shown to the model as <c>{namespace}__{name}</c> and reported back split; a
/// <c>custom</c> (freeform) tool is shown as a function of one string argument, <c>input</c>.
/// </summary>
internal sealed class ToolNames
{
    private readonly Dictionary<string, (string Name, string Namespace)> _namespaced = new(StringComparer.Ordinal);
    private readonly HashSet<string> _custom = new(StringComparer.Ordinal);

    /// <summary>Codex's flat form of a namespaced tool name: <c>{namespace}__{name}</c>, stray underscores at the join trimmed.</summary>
    public static string Flat(string? @namespace, string name) =>
        @namespace is null ? name : $"{@namespace.TrimEnd('_')}__{name.TrimStart('_')}";

    public string AddNamespaced(string @namespace, string name)
    {
        var flat = Flat(@namespace, name);
        _namespaced[flat] = (name, @namespace);
        return flat;
    }

    public void AddCustom(string name) => _custom.Add(name);

    public bool IsCustom(string name) => _custom.Contains(name);

    /// <summary>The tool a model-facing name stands for: its own name and namespace.</summary>
    public (string Name, string? Namespace) Resolve(string name) =>
        _namespaced.TryGetValue(name, out var tool) ? (tool.Name, tool.Namespace) : (name, null);
}
