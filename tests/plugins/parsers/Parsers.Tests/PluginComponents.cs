using System.Reflection;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Parsers.Tests;

/// <summary>A named component from a plugin assembly, found the way the host finds it: by scanning for its factory.</summary>
internal static class PluginComponents
{
    public static T Create<T>(Assembly plugin, string name) where T : class
    {
        var factory = plugin.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IComponentFactory<T>).IsAssignableFrom(t))
            .Select(t => (IComponentFactory<T>)Activator.CreateInstance(t)!)
            .Single(f => f.Name == name || f.Aliases.Contains(name));
        return factory.Create(new ComponentContext("m", name, new ConfigurationBuilder().Build(), new EmptyServices()));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
