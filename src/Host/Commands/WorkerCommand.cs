using Dynamo.Distributed;
using Dynamo.Host.Configuration;
using Dynamo.Host.Http;
using Dynamo.Runtime;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Host.Commands;

/// <summary>
/// <c>dynamo worker [--model NAME] [--worker-id ID] [--role prefill|decode|both] [--system-port PORT]</c>: one engine of a
/// configured model, served to frontends over NATS (<c>--nats URL</c>). Configuration is the host's:
/// the same file serves both. With a system port (<c>--system-port</c>, <c>Dynamo:SystemPort</c> or
/// Dynamo's <c>DYN_SYSTEM_PORT</c>) it also serves <c>/metrics</c>, <c>/health</c> and <c>/live</c> there.
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (model, rest) = DynamoConfiguration.TakeOption(args, "--model");
        (var workerId, rest) = DynamoConfiguration.TakeOption(rest, "--worker-id");
        (var systemPort, rest) = DynamoConfiguration.TakeOption(rest, "--system-port");
        (var role, rest) = DynamoConfiguration.TakeOption(rest, "--role");
        var (configFile, settings) = DynamoConfiguration.Arguments(rest);
        if (role is not null)
            settings = [.. settings, $"--Dynamo:Worker:Role={role}"];
        using var host = SystemPortHost.Build(configFile, settings, systemPort,
            builder => builder.Services.AddDynamoCore(builder.Configuration).AddNatsWorker(model, workerId), "dynamo-worker", app =>
            {
                var identity = app.Services.GetRequiredService<WorkerIdentity>();
                var worker = app.Services.GetRequiredService<NatsWorkerService>();
                app.MapGet("/health", () => HealthEndpoint.Get([new ModelStatus(identity.Model, DateTimeOffset.UtcNow, [.. worker.Workers.Select(w => w.WorkerId)])]));
                app.MapGet("/live", HealthEndpoint.Live);
            });
        await host.RunAsync();
        return Environment.ExitCode;
    }
}
