using System.Reflection;
using Dynamo.Distributed;
using Dynamo.Planner.Inputs;
using Dynamo.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Planner;

public static class PlannerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the planner (<c>Dynamo:Planner</c>, checked at start): its predictor and connector plugins from
    /// <c>Dynamo:PluginsPath</c>, the frontend's metrics (<c>MetricsUrl</c> or <c>PrometheusUrl</c>), the workers'
    /// load from NATS (<c>Dynamo:Nats</c>), and the loop, on the meter <c>Dynamo.Planner</c>. It serves no model.
    /// </summary>
    /// <param name="componentAssemblies">Assemblies scanned for components as plugins are (in-process predictors or connectors).</param>
    public static IServiceCollection AddDynamoPlanner(this IServiceCollection services, IConfiguration configuration, params Assembly[] componentAssemblies)
    {
        services.AddOptions<PlannerOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<PlannerOptions>, PlannerOptionsSetup>();
        services.AddSingleton<IValidateOptions<PlannerOptions>, PlannerOptionsValidator>();
        services.AddOptions<NatsOptions>().Bind(configuration.GetSection(NatsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NatsOptions>, NatsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        // The serving runtime's plugin folder and rules: the planner's plugins sit beside the engines.
        services.AddDynamoPlugins(configuration, componentAssemblies);
        services.AddSingleton<PlannerComponents>();

        services.TryAddSingleton<IFrontendMetricsSource>(sp => FrontendSource(sp.GetRequiredService<IOptions<PlannerOptions>>().Value)!);
        services.TryAddSingleton<NatsWorkerLoadSource>();
        services.TryAddSingleton<IWorkerLoadSource>(sp => sp.GetRequiredService<NatsWorkerLoadSource>());
        // Started before the loop, so the first interval already sees the workers (a test's source needs no start).
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IWorkerLoadSource>() as IHostedService ?? NoService.Instance);
        services.AddSingleton<PlannerMetrics>();
        services.AddSingleton<PlannerService>();
        services.AddHostedService(sp => sp.GetRequiredService<PlannerService>());
        return services;
    }

    private static IFrontendMetricsSource? FrontendSource(PlannerOptions options)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Clamp(options.AdjustmentIntervalSeconds / 2, 1, 10)) };
        return options.PrometheusUrl is { } prometheus ? new PrometheusQuerySource(http, new Uri(prometheus.TrimEnd('/') + "/"), options.Model)
            : options.MetricsUrl is { } metrics ? new MetricsScrapeSource(http, new Uri(metrics), options.Model)
            : null;
    }

    /// <summary>Stands in for a source that needs no starting (a test's).</summary>
    private sealed class NoService : IHostedService
    {
        public static readonly NoService Instance = new();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
