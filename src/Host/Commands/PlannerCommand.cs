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
        if (systemPort is not null)
            settings = [.. settings, $"--Dynamo:SystemPort={systemPort}"];
        var contentRoot = DynamoConfiguration.ContentRoot(configFile);

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = contentRoot });
        DynamoConfiguration.UseConfigFile(web.Configuration, configFile, settings);
        var port = Port(web.Configuration["Dynamo:SystemPort"] ?? Environment.GetEnvironmentVariable("DYN_SYSTEM_PORT"));
        using var host = port is { } systemPortNumber ? WithSystemPort(web, systemPortNumber) : WithoutHttp(contentRoot, configFile, settings);
        await host.RunAsync();
        return Environment.ExitCode;
    }

    private static void AddPlanner(IHostApplicationBuilder builder)
    {
        DynamoApplication.QuietFailedStart(builder.Logging);
        builder.Services.AddDynamoPlanner(builder.Configuration);
    }

    private static IHost WithoutHttp(string contentRoot, string? configFile, string[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = contentRoot });
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
        AddPlanner(builder);
        return builder.Build();
    }

    private static WebApplication WithSystemPort(WebApplicationBuilder builder, int port)
    {
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        AddPlanner(builder);
        builder.Services.AddDynamoTelemetry(builder.Configuration, "dynamo-planner");
        var app = builder.Build();
        app.MapGet("/live", HealthEndpoint.Live);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static int? Port(string? text) => text is null ? null
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new DynamoConfigurationException($"The system port must be a number from 1 to 65535, got '{text}'.");
}
