using Dynamo.Abstractions.Plugins;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Plugins;

/// <summary>Every named component the loaded plugins provide, and creation by name.</summary>
internal sealed class ComponentRegistry
{
    internal sealed record Entry(ComponentKind Kind, IComponentFactory Factory, string Plugin);

    private readonly Dictionary<(ComponentKind, string), Entry> _byName = [];
    private readonly PluginCatalog _catalog;

    public IReadOnlyList<Entry> Components { get; }

    public ComponentRegistry(IServiceProvider services, PluginCatalog catalog, ILogger<ComponentRegistry> logger)
    {
        _catalog = catalog;
        var components = new List<Entry>();
        foreach (var plugin in catalog.Plugins)
        {
            if (!plugin.Loaded)
            {
                logger.LogWarning("Plugin {Plugin} at {Location} was not loaded: {Reason}", plugin.Name, plugin.Location, plugin.Error);
                continue;
            }
            foreach (var type in plugin.FactoryTypes)
            {
                IComponentFactory factory;
                try
                {
                    factory = (IComponentFactory)services.GetService(type)!;
                }
                catch (Exception ex)
                {
                    logger.LogWarning("Plugin {Plugin}: component factory {Type} could not be created: {Reason}", plugin.Name, type.FullName, ex.Message);
                    continue;
                }
                foreach (var kind in KindsOf(type))
                    components.Add(new Entry(kind, factory, plugin.Name));
            }
        }
        foreach (var entry in components)
            foreach (var name in entry.Factory.Aliases.Prepend(entry.Factory.Name))
                if (!_byName.TryAdd((entry.Kind, name), entry))
                    logger.LogWarning("{Kind} name '{Name}' from plugin {Plugin} is already taken by plugin {Other}; ignored.",
                        entry.Kind, name, entry.Plugin, _byName[(entry.Kind, name)].Plugin);
        Components = components;
    }

    private static IEnumerable<ComponentKind> KindsOf(Type factoryType) => factoryType.GetInterfaces()
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IComponentFactory<>))
        .Select(i => ComponentKinds.Of(i.GetGenericArguments()[0]))
        .OfType<ComponentKind>();

    public IEnumerable<string> NamesOf(ComponentKind kind) =>
        _byName.Keys.Where(k => k.Item1 == kind).Select(k => k.Item2).Order(StringComparer.Ordinal);

    /// <summary>Creates the component <paramref name="name"/> of contract <typeparamref name="T"/> for a model.</summary>
    /// <exception cref="DynamoConfigurationException">No such component, or it failed to start.</exception>
    public T Create<T>(ComponentKind kind, ComponentContext context) where T : class
    {
        if (!_byName.TryGetValue((kind, context.ComponentName), out var entry) || entry.Factory is not IComponentFactory<T> factory)
        {
            var available = string.Join(", ", NamesOf(kind).Select(n => $"'{n}'"));
            var failed = _catalog.Plugins.Where(p => !p.Loaded).Select(p => $"{p.Name} ({p.Error})").ToList();
            throw new DynamoConfigurationException(
                $"Model '{context.ModelName}' needs the {kind.ConfigKey()} '{context.ComponentName}', which no loaded plugin provides. " +
                $"Available {kind.ConfigKey()} names: {(available.Length > 0 ? available : "none")}." +
                (failed.Count > 0 ? $" Plugins that failed to load: {string.Join("; ", failed)}." : ""));
        }
        try
        {
            return factory.Create(context);
        }
        catch (Exception ex) when (ex is not DynamoConfigurationException)
        {
            throw new DynamoConfigurationException(
                $"Model '{context.ModelName}': the {kind.ConfigKey()} '{context.ComponentName}' (plugin {entry.Plugin}) failed to start: {ex.Message}");
        }
    }
}
