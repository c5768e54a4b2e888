using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Planner.Connectors.Kubernetes;

/// <summary><c>"Connector": { "Name": "kubernetes", … }</c>: the planner scales worker Deployments (see <see cref="KubernetesConnectorOptions"/>).</summary>
internal sealed class KubernetesConnectorFactory : IComponentFactory<IPlannerConnector>
{
    public string Name => "kubernetes";

    public IPlannerConnector Create(ComponentContext context)
    {
        var options = KubernetesConnectorOptions.From(context.Options);
        var config = ClientConfiguration(options);
        var ns = options.Namespace ?? config.Namespace ?? "default";
        var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger<KubernetesConnector>() ?? NullLogger<KubernetesConnector>.Instance;
        return new KubernetesConnector(new k8s.Kubernetes(config), ns, options.Deployments, options.ConflictRetries, logger);
    }

    private static KubernetesClientConfiguration ClientConfiguration(KubernetesConnectorOptions options)
    {
        try
        {
            if (options.Kubeconfig is { } file)
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.GetFullPath(file), options.Context);
            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: options.Context);
        }
        catch (Exception ex) when (ex is not ArgumentException)
        {
            throw new ArgumentException(
                $"The kubernetes connector found no cluster to talk to ({ex.Message}): run it in a pod with a service account, or set Kubeconfig (or KUBECONFIG).", ex);
        }
    }
}
