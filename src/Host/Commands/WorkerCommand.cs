using Dynamo.Distributed;
using Dynamo.Host.Configuration;
using Dynamo.Host.Http;
using Dynamo.Runtime;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;

namespace Dynamo.Host.Commands;

/// <summary>
/// <c>dynamo worker [--model NAME] [--worker-id ID] [--system-port PORT]</c>: one engine of a
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
        var (configFile, settings) = DynamoConfiguration.Arguments(rest);
        var contentRoot = DynamoConfiguration.ContentRoot(configFile);
        if (systemPort is not null)
            settings = [.. settings, $"--Dynamo:SystemPort={systemPort}"];

        // Without a system port the worker opens no HTTP listener at all.
        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = contentRoot });
        DynamoConfiguration.UseConfigFile(web.Configuration, configFile, settings);
        var port = Port(web.Configuration["Dynamo:SystemPort"] ?? Environment.GetEnvironmentVariable("DYN_SYSTEM_PORT"));
        IHostApplicationBuilder builder = web;
        if (port is null)
        {
            builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = contentRoot });
            DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
        }
        DynamoApplication.QuietFailedStart(builder.Logging);
        builder.Services.AddDynamoCore(builder.Configuration).AddNatsWorker(model, workerId);
        if (port is null)
        {
            using var host = ((HostApplicationBuilder)builder).Build();
            await host.RunAsync();
            return Environment.ExitCode;
        }
        web.WebHost.UseUrls($"http://0.0.0.0:{port}");
        web.Services.AddDynamoTelemetry(web.Configuration, "dynamo-worker");
        await using var app = web.Build();
        var identity = app.Services.GetRequiredService<WorkerIdentity>();
        var workers = app.Services.GetRequiredService<IWorkerSet>();
        app.MapGet("/health", () => HealthEndpoint.Get([new ModelStatus(identity.Model, DateTimeOffset.UtcNow, [.. workers.Workers.Select(w => w.WorkerId)])]));
        app.MapGet("/live", HealthEndpoint.Live);
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.RunAsync();
        return Environment.ExitCode;
    }

    private static int? Port(string? text) => text is null ? null
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new DynamoConfigurationException($"The system port must be a number from 1 to 65535, got '{text}'.");
}
