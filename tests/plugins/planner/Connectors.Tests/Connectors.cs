using System.Reflection;
using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>Connectors made as the planner makes them: a factory given its options section and the host's services.</summary>
internal static class Connectors
{
    public static string RepoRoot { get; } = typeof(Connectors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoRepoRoot").Value!;

    public static IPlannerConnector Create(IComponentFactory<IPlannerConnector> factory, IDictionary<string, string?> options,
        TimeProvider? clock = null, IDictionary<string, string?>? host = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(host ?? new Dictionary<string, string?>()).Build())
            .AddSingleton(clock ?? TimeProvider.System)
            .AddLogging()
            .BuildServiceProvider();
        var section = new ConfigurationBuilder().AddInMemoryCollection(options).Build();
        return factory.Create(new ComponentContext("", factory.Name, section, services));
    }
}
