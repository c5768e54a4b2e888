using Dynamo.Host.Configuration;
using Dynamo.Host.Http;
using Dynamo.Planner;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Host.Commands;

/// <summary>
/// <c>dynamo planner [--system-port PORT]</c>: sizes the worker pools of <c>Dynamo:Planner</c> to its TTFT and ITL
/// targets, from the frontend's metrics and the workers' load on NATS (<c>--nats URL</c>), through its connector.
/// Configuration is the host's: the same file serves all. With a system port (<c>--system-port</c>,
/// <c>Dynamo:SystemPort</c> or <c>DYN_SYSTEM_PORT</c>) it serves its own <c>/metrics</c> and <c>/live</c> there.
/// </summary>
internal static class PlannerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (systemPort, rest) = DynamoConfiguration.TakeOption(args, "--system-port");
        var (configFile, settings) = DynamoConfiguration.Arguments(rest);
        using var host = SystemPortHost.Build(configFile, settings, systemPort, builder => builder.Services.AddDynamoPlanner(builder.Configuration), "dynamo-planner",
            app => app.MapGet("/live", HealthEndpoint.Live));
        await host.RunAsync();
        return Environment.ExitCode;
    }
}
