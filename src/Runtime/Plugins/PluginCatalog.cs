using System.Reflection;
using Dynamo.Abstractions.Plugins;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Plugins;

/// <summary>
/// Finds plugins in a folder (one subfolder per plugin, holding <c>&lt;Name&gt;.dll</c> and its
/// dependencies), loads each into its own load context sharing the contracts with the host, and
/// registers its component factories by scanning its assembly. A plugin that fails is recorded,
/// not fatal: only a model that needs it stops the host.
/// </summary>
internal sealed class PluginCatalog
{
    public const string BuiltInName = "Dynamo.Runtime (built-in)";

    // Types whose identity must be the host's, so a plugin's factories are the host's interfaces.
    private static readonly Type[] SharedTypes =
    [
        typeof(IComponentFactory<>),
        typeof(IServiceCollection),
        typeof(IConfiguration),
        typeof(ILogger),
        typeof(ILoggerFactory),
    ];

    private readonly List<PluginInfo> _plugins = [];

    public IReadOnlyList<PluginInfo> Plugins => _plugins;

    public string PluginsPath { get; }

    private PluginCatalog(string pluginsPath) => PluginsPath = pluginsPath;

    public static PluginCatalog LoadInto(IServiceCollection services, IConfiguration configuration, string pluginsPath, IEnumerable<Assembly> inProcess)
    {
        var catalog = new PluginCatalog(pluginsPath);
        foreach (var assembly in inProcess.Prepend(typeof(PluginCatalog).Assembly).Distinct())
            catalog.Register(services, configuration, assembly == typeof(PluginCatalog).Assembly ? BuiltInName : $"{assembly.GetName().Name} (in-process)",
                assembly.Location, () => assembly);
        if (!Directory.Exists(pluginsPath))
            return catalog;
        foreach (var dir in Directory.EnumerateDirectories(pluginsPath).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var dll = Path.Combine(dir, name + ".dll");
            if (!File.Exists(dll))
            {
                catalog._plugins.Add(new PluginInfo(name, dir, null, [], $"no {name}.dll in {dir} (a plugin folder holds <FolderName>.dll)"));
                continue;
            }
            catalog.Register(services, configuration, name, dll, () => PluginLoader
                .CreateFromAssemblyFile(dll, SharedTypes, c => c.PreferSharedTypes = true)
                .LoadDefaultAssembly());
        }
        return catalog;
    }

    private void Register(IServiceCollection services, IConfiguration configuration, string name, string location, Func<Assembly> load)
    {
        var firstNew = services.Count;
        try
        {
            var assembly = load();
            services.Scan(scan => scan
                .FromAssemblies(assembly)
                .AddClasses(c => c.AssignableTo(typeof(IComponentFactory<>)), publicOnly: false)
                .AsSelfWithInterfaces()
                .WithSingletonLifetime());
            var factoryTypes = services.Skip(firstNew)
                .Where(d => d.ServiceType == d.ImplementationType)
                .Select(d => d.ServiceType)
                .ToList();
            foreach (var hook in assembly.GetTypes().Where(t => typeof(IPluginRegistration).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
                ((IPluginRegistration)Activator.CreateInstance(hook, nonPublic: true)!).Register(services, configuration);
            _plugins.Add(new PluginInfo(name, location, assembly, factoryTypes, null));
        }
        catch (Exception ex)
        {
            while (services.Count > firstNew)
                services.RemoveAt(services.Count - 1);
            _plugins.Add(new PluginInfo(name, location, null, [], Describe(ex)));
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        ReflectionTypeLoadException rtle => $"{rtle.Message} {string.Join(" ", rtle.LoaderExceptions.Select(e => e?.Message).Distinct())}".Trim(),
        BadImageFormatException => $"not a valid .NET assembly ({ex.Message})",
        TargetInvocationException { InnerException: { } inner } => Describe(inner),
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
