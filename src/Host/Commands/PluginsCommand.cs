using Dynamo.Runtime.Plugins;

namespace Dynamo.Host.Commands;

/// <summary><c>dynamo plugins</c>: every discovered plugin and the named components it provides.</summary>
internal static class PluginsCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        await using var app = DynamoApplication.Build(args);
        var catalog = app.Services.GetRequiredService<PluginCatalog>();
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        output.WriteLine($"Plugins folder: {catalog.PluginsPath}");
        foreach (var plugin in catalog.Plugins)
        {
            output.WriteLine();
            output.WriteLine(plugin.Loaded ? $"{plugin.Name}  ({plugin.Location})" : $"{plugin.Name}  FAILED: {plugin.Error}");
            foreach (var c in registry.Components.Where(c => c.Plugin == plugin.Name).OrderBy(c => c.Kind).ThenBy(c => c.Factory.Name))
            {
                var aliases = c.Factory.Aliases.Count > 0 ? $" (aliases: {string.Join(", ", c.Factory.Aliases)})" : "";
                output.WriteLine($"  {c.Kind,-16} {c.Factory.Name}{aliases}");
            }
        }
        return catalog.Plugins.Any(p => !p.Loaded) ? 1 : 0;
    }
}
