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
        var contentRoot = DynamoConfiguration.ContentRoot(configFile);
        if (systemPort is not null)
            settings = [.. settings, $"--Dynamo:SystemPort={systemPort}"];

        // The port may come from the configuration file, so read it through the host's own configuration.
        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = contentRoot });
        DynamoConfiguration.UseConfigFile(web.Configuration, configFile, settings);
        var port = Port(web.Configuration["Dynamo:SystemPort"] ?? Environment.GetEnvironmentVariable("DYN_SYSTEM_PORT"));
        using var host = port is { } systemPortNumber
            ? WithSystemPort(web, systemPortNumber, model, workerId)
            : WithoutHttp(Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = contentRoot }), configFile, settings, model, workerId);
        await host.RunAsync();
        return Environment.ExitCode;
    }

    private static void AddWorker(IHostApplicationBuilder builder, string? model, string? workerId)
    {
        DynamoApplication.QuietFailedStart(builder.Logging);
        builder.Services.AddDynamoCore(builder.Configuration).AddNatsWorker(model, workerId);
    }

    /// <summary>No system port: no HTTP listener at all.</summary>
    private static IHost WithoutHttp(HostApplicationBuilder builder, string? configFile, string[] settings, string? model, string? workerId)
    {
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
        AddWorker(builder, model, workerId);
        return builder.Build();
    }

    private static WebApplication WithSystemPort(WebApplicationBuilder builder, int port, string? model, string? workerId)
    {
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        AddWorker(builder, model, workerId);
        builder.Services.AddDynamoTelemetry(builder.Configuration, "dynamo-worker");
        var app = builder.Build();
        var identity = app.Services.GetRequiredService<WorkerIdentity>();
        var worker = app.Services.GetRequiredService<NatsWorkerService>();
        app.MapGet("/health", () => HealthEndpoint.Get([new ModelStatus(identity.Model, DateTimeOffset.UtcNow, [.. worker.Workers.Select(w => w.WorkerId)])]));
        app.MapGet("/live", HealthEndpoint.Live);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static int? Port(string? text) => text is null ? null
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new DynamoConfigurationException($"The system port must be a number from 1 to 65535, got '{text}'.");
}
