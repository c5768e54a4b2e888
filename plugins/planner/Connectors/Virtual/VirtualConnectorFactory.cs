using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Planner.Connectors.Virtual;

/// <summary>
/// <c>"Connector": "virtual"</c>, or <c>{ "Name": "virtual", "Replicas": { "decode": 2 } }</c> for the count each
/// pool is taken to start with (1 by default).
/// </summary>
internal sealed class VirtualConnectorFactory : IComponentFactory<IPlannerConnector>
{
    public const int DefaultInitialReplicas = 1;

    public string Name => "virtual";

    public IPlannerConnector Create(ComponentContext context)
    {
        var initial = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pool in context.Options.GetSection("Replicas").GetChildren())
        {
            var count = pool.Get<int>();
            initial[pool.Key] = count >= 0 ? count : throw new ArgumentException($"Replicas:{pool.Key} must be 0 or more, got {count}.");
        }
        var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger("Dynamo.Planner.Connectors.Virtual") ?? NullLogger.Instance;
        return new VirtualConnector(initial, DefaultInitialReplicas, context.Services.GetService<TimeProvider>() ?? TimeProvider.System, logger);
    }
}
