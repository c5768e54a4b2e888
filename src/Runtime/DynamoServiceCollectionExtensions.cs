using System.Reflection;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Metrics;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Plugins;
using Dynamo.Runtime.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime;

public static class DynamoServiceCollectionExtensions
{
    /// <summary>
    /// Adds the serving runtime: plugins from <c>Dynamo:PluginsPath</c>, the models of
    /// <c>Dynamo:Models</c> (started and stopped with the host), the pipeline (<see cref="DynamoRuntime"/>),
    /// an <see cref="IChatClient"/> per model (keyed by the model's name), metrics on the meters
    /// <c>Dynamo.*</c> and, when enabled, the agent trace. Options are checked when the host starts.
    /// </summary>
    /// <param name="componentAssemblies">
    /// Assemblies scanned for components as plugins are, for an application that brings its own components in-process.
    /// </param>
    public static DynamoBuilder AddDynamo(this IServiceCollection services, IConfiguration configuration, params Assembly[] componentAssemblies)
    {
        var builder = services.AddDynamoCore(configuration, componentAssemblies);
        services.AddSingleton<ModelRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRegistry>());

        if (RequestTraceOptions.Resolve(configuration) is { } trace)
        {
            // Sinks by name: file and stderr here; the host adds otel, a distributed frontend nats.
            services.AddSingleton(trace);
            services.AddKeyedSingleton<ITraceSink>("file", (_, _) => new FileTraceSink(trace));
            services.AddKeyedSingleton<ITraceSink>("stderr", (_, _) => new StderrTraceSink());
            services.AddSingleton(sp => new RequestTracer(trace, sp.GetRequiredService<TimeProvider>(),
                [.. trace.Sinks.Select(name => sp.GetKeyedService<ITraceSink>(name) ?? throw new DynamoConfigurationException(
                    $"Request trace sink '{name}' is not available here: 'nats' needs a distributed frontend (--distributed), 'otel' the HTTP host."))],
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<ILoggerFactory>()?.CreateLogger("Dynamo.RequestTrace")));
            services.AddHostedService(sp => sp.GetRequiredService<RequestTracer>());
        }

        services.AddSingleton<FrontendMetrics>();
        services.AddSingleton<Preprocessor>();
        services.AddSingleton<SpeculativePrefill>();
        services.AddSingleton<Pipeline.ReasoningEfforts>();
        services.AddSingleton(sp => new DynamoRuntime(sp.GetRequiredService<ModelRegistry>(), sp.GetRequiredService<Preprocessor>(),
            sp.GetRequiredService<FrontendMetrics>(), sp.GetRequiredService<SpeculativePrefill>(), sp.GetRequiredService<Pipeline.ReasoningEfforts>()));
        foreach (var model in configuration.GetSection($"{DynamoOptions.Section}:Models").GetChildren().Select(m => m["Name"]?.Trim()).OfType<string>().Distinct())
            services.AddKeyedSingleton(model, (sp, key) => sp.GetRequiredService<DynamoRuntime>().GetChatClient((string)key!));
        return builder;
    }

    /// <summary>
    /// The parts every Dynamo process needs, without serving models: options, plugins and the
    /// components they provide (a <c>dynamo worker</c> builds its one engine from these).
    /// </summary>
    public static DynamoBuilder AddDynamoCore(this IServiceCollection services, IConfiguration configuration, params Assembly[] componentAssemblies)
    {
        services.AddOptions<DynamoOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<DynamoOptions>, DynamoOptionsSetup>();
        services.AddSingleton<IValidateOptions<DynamoOptions>, DynamoOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddDynamoPlugins(configuration, componentAssemblies);
        services.AddSingleton<ModelFactory>();
        return new DynamoBuilder(services, configuration);
    }

    /// <summary>
    /// The plugin folder and the components found in it and in <paramref name="componentAssemblies"/>, for any
    /// Dynamo process (the serving runtime, the planner). Plugins register their factories into the container,
    /// so they are found now, not at start (Dynamo:PluginsPath; a relative path is relative to the program's own
    /// folder, where plugins ship).
    /// </summary>
    public static IServiceCollection AddDynamoPlugins(this IServiceCollection services, IConfiguration configuration, params Assembly[] componentAssemblies)
    {
        var pluginsPath = Path.GetFullPath(configuration[$"{DynamoOptions.Section}:PluginsPath"] is { Length: > 0 } path ? path : "plugins", AppContext.BaseDirectory);
        services.AddSingleton(PluginCatalog.LoadInto(services, configuration, pluginsPath, componentAssemblies));
        services.AddSingleton<ComponentRegistry>();
        return services;
    }
}
