namespace Dynamo.Abstractions.Plugins;

/// <summary>What every component factory says of itself, whatever it creates.</summary>
public interface IComponentFactory
{
    /// <summary>The name configuration uses, e.g. "mocker", "round-robin", "hermes".</summary>
    string Name { get; }

    /// <summary>Other names that select this component (e.g. "qwen25" for "hermes").</summary>
    IReadOnlyList<string> Aliases => [];
}

/// <summary>
/// A named component a plugin provides: an engine (<c>IEngine</c>), router (<c>IRouter</c>),
/// tokenizer, chat template, tool-call or reasoning parser, or KV offload tier. Models in
/// appsettings.json pick components by name; the host calls <see cref="Create"/> once per model
/// (once per worker for engines). Factories are found by scanning the plugin's assembly, so a
/// public or internal class with a constructor the host can satisfy is all it takes.
/// </summary>
public interface IComponentFactory<out T> : IComponentFactory where T : class
{
    T Create(ComponentContext context);
}
