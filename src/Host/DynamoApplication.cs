using System.Reflection;
using Dynamo.Distributed;
using Dynamo.Host.Configuration;
using Dynamo.Host.Http;
using Dynamo.Runtime;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Host;

/// <summary>Builds the Dynamo HTTP host: the runtime (<c>AddDynamo</c>), its front doors (<c>MapDynamo</c>) and, for a frontend, NATS discovery.</summary>
public static class DynamoApplication
{
    /// <summary>
    /// Builds the host from command-line arguments. <c>--config FILE</c> replaces the embedded
    /// appsettings.json with FILE (and makes FILE's folder the content root); environment variables
    /// and other arguments still override it. With <c>--distributed</c> (<c>Dynamo:Distributed</c>) it
    /// is a frontend whose workers are other processes found through NATS (<c>--nats URL</c>).
    /// Models start when the host starts.
    /// </summary>
    /// <param name="componentAssemblies">
    /// Assemblies scanned for components like plugins are, for an application that embeds the
    /// host and brings its own components in-process.
    /// </param>
    public static WebApplication Build(string[] args, params Assembly[] componentAssemblies) => Build(args, drainOnSignals: false, componentAssemblies);

    /// <param name="drainOnSignals">
    /// SIGTERM and Ctrl+C drain before the host stops (<c>dynamo serve</c> and <c>frontend</c>); an
    /// application or test hosting it in its own process keeps its own signal handling.
    /// </param>
    internal static WebApplication Build(string[] args, bool drainOnSignals, params Assembly[] componentAssemblies)
    {
        var (configFile, rest) = DynamoConfiguration.Arguments(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = DynamoConfiguration.ContentRoot(configFile) });
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, rest);
        QuietFailedStart(builder.Logging);
        var maxBody = DynamoConfigurationException.Reading(() => builder.Configuration.GetValue($"{DynamoOptions.Section}:MaxRequestBodyBytes", DynamoOptions.DefaultMaxRequestBodyBytes));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody > 0 ? maxBody : null);
        var dynamo = builder.Services.AddDynamo(builder.Configuration, componentAssemblies);
        if (DynamoConfigurationException.Reading(() => builder.Configuration.GetValue($"{DynamoOptions.Section}:Distributed", false)))
            dynamo.AddNatsWorkerDiscovery();
        dynamo.AddDynamoHttp();
        if (drainOnSignals)
        {
            // SIGTERM drains before the host stops; the host then waits out the rest (Kestrel's own grace).
            builder.Services.AddSingleton<IHostLifetime, DrainingLifetime>();
            var grace = DrainingLifetime.Timeout(builder.Configuration);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(5));
        }
        var app = builder.Build();
        app.MapDynamo();
        return app;
    }

    /// <summary>A start that fails throws to the caller, who says why in one line: the host's own log of it (a stack trace) is left out.</summary>
    internal static void QuietFailedStart(ILoggingBuilder logging) => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
}
