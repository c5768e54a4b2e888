using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dynamo.Host.Http;

/// <summary>
/// Exports what the runtime and plugins record on the meters <c>Dynamo.*</c>: Prometheus text on
/// <c>/metrics</c> (Dynamo's names, as recorded), and OTLP (metrics and the request spans) when an
/// endpoint is configured (<c>Dynamo:Otlp:Endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) for Grafana or .NET Aspire.
/// </summary>
internal static class DynamoTelemetry
{
    public const string MeterNames = "Dynamo.*";

    public static IServiceCollection AddDynamoTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var otlp = configuration["Dynamo:Otlp:Endpoint"] is { Length: > 0 } endpoint ? new Uri(endpoint)
            : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } env ? new Uri(env)
            : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MeterNames).AddPrometheusExporter(o =>
                {
                    // Counters carry Dynamo's full names already (…_total, kvbm_*); scrapes read live values.
                    o.DisableTotalNameSuffixForCounters = true;
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                });
                if (otlp is not null)
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
            telemetry.WithTracing(tracing => tracing.AddSource(MeterNames).AddOtlpExporter(o => o.Endpoint = otlp));
        return services;
    }
}
