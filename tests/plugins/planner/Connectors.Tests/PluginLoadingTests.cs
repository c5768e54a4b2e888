using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>
/// The connectors as the host loads them: each plugin's built folder in its own load context, sharing only the contracts,
/// so its dependencies (KubernetesClient and what it needs) must all be in that folder.
/// </summary>
public sealed class PluginLoadingTests
{
    private static IComponentFactory<IPlannerConnector> Load(string project, string assembly)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(Connectors.RepoRoot, "plugins", "planner", "Connectors", project, "bin", configuration, "net10.0", assembly + ".dll");
        var loaded = PluginLoader.CreateFromAssemblyFile(dll,
            [typeof(IComponentFactory<>), typeof(IServiceCollection), typeof(IConfiguration), typeof(ILogger), typeof(ILoggerFactory)],
            c => c.PreferSharedTypes = true).LoadDefaultAssembly();
        var factory = loaded.GetTypes().Single(t => typeof(IComponentFactory<IPlannerConnector>).IsAssignableFrom(t));
        return (IComponentFactory<IPlannerConnector>)Activator.CreateInstance(factory, nonPublic: true)!;
    }

    [Fact]
    public async Task The_kubernetes_connector_loaded_as_a_plugin_scales_a_deployment()
    {
        var factory = Load("Kubernetes", "Dynamo.Planner.Connectors.Kubernetes");
        Assert.Equal("kubernetes", factory.Name);
        Assert.NotEqual(typeof(Kubernetes.KubernetesConnectorFactory).Assembly, factory.GetType().Assembly);
        var folder = Directory.CreateTempSubdirectory("dynamo-k8s-plugin-").FullName;
        try
        {
            await using var api = new FakeKubernetesApi();
            api.AddDeployment("dynamo-worker-agent", replicas: 1, version: 1);
            await using var connector = Connectors.Create(factory, new Dictionary<string, string?>
            {
                ["Kubeconfig"] = api.WriteKubeconfig(folder, "dynamo"),
                ["Deployments:aggregated"] = "dynamo-worker-agent",
            });

            await connector.SetReplicasAsync("aggregated", 4, default);

            Assert.Equal(4, await connector.GetReplicasAsync("aggregated", default));
            Assert.Equal(4, api.Replicas("dynamo-worker-agent"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_local_connector_loads_as_a_plugin()
    {
        var factory = Load("Local", "Dynamo.Planner.Connectors.Local");
        Assert.Equal("local", factory.Name);
        await using var connector = Connectors.Create(factory, new Dictionary<string, string?> { ["Executable"] = "/bin/true" });
        Assert.Equal(0, await connector.GetReplicasAsync("aggregated", default));
    }
}
