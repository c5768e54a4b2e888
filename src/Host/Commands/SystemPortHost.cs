using Dynamo.Host.Configuration;
using Dynamo.Host.Http;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Host.Commands;

/// <summary>
/// The host of a command that serves no API (<c>dynamo worker</c>, <c>dynamo planner</c>): with a system port
/// (<c>--system-port</c>, <c>Dynamo:SystemPort</c> or Dynamo's <c>DYN_SYSTEM_PORT</c>) it listens there for
/// <c>/metrics</c> and what the command maps; without one it has no HTTP listener at all.
/// </summary>
internal static class SystemPortHost
{
    /// <param name="settings">The command's settings, <c>--system-port</c> already taken out as <paramref name="systemPort"/>.</param>
    /// <param name="add">The command's services.</param>
    /// <param name="telemetry">Its service name in exported telemetry.</param>
    /// <param name="map">Its endpoints beside <c>/metrics</c>.</param>
    public static IHost Build(string? configFile, string[] settings, string? systemPort, Action<IHostApplicationBuilder> add, string telemetry, Action<WebApplication> map)
    {
        if (systemPort is not null)
            settings = [.. settings, $"--Dynamo:SystemPort={systemPort}"];
        var contentRoot = DynamoConfiguration.ContentRoot(configFile);
        // The port may come from the configuration file, so read it through the host's own configuration.
        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = contentRoot });
        DynamoConfiguration.UseConfigFile(web.Configuration, configFile, settings);
        if (Port(web.Configuration["Dynamo:SystemPort"] ?? Environment.GetEnvironmentVariable("DYN_SYSTEM_PORT")) is not { } port)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = contentRoot });
            DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
            Add(builder, add);
            return builder.Build();
        }
        web.WebHost.UseUrls($"http://0.0.0.0:{port}");
        Add(web, add);
        web.Services.AddDynamoTelemetry(web.Configuration, telemetry);
        var app = web.Build();
        map(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static void Add(IHostApplicationBuilder builder, Action<IHostApplicationBuilder> add)
    {
        DynamoApplication.QuietFailedStart(builder.Logging);
        add(builder);
    }

    private static int? Port(string? text) => text is null ? null
        : int.TryParse(text, out var port) && port is > 0 and < 65536 ? port
        : throw new DynamoConfigurationException($"The system port must be a number from 1 to 65535, got '{text}'.");
}
