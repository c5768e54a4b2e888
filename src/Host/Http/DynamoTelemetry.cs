using Dynamo.Host.Tracing;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Tracing;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dynamo.Host.Http;

/// <summary>
/// Exports what the runtime and plugins record on the meters <c>Dynamo.*</c>: Prometheus text on
/// <c>/metrics</c> (Dynamo's names, as recorded), and OTLP (metrics and the request spans) when an
/// endpoint is configured, for Grafana or .NET Aspire: <c>Dynamo:Otlp:Endpoint</c> (with
/// <c>Dynamo:Otlp:Protocol</c> <c>grpc</c> or <c>http/protobuf</c>), or OpenTelemetry's own
/// <c>OTEL_EXPORTER_OTLP_*</c> variables, which the exporter then reads itself.
/// </summary>
internal static class DynamoTelemetry
{
    public const string MeterNames = "Dynamo.*";

    public static IServiceCollection AddDynamoTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var endpoint = configuration["Dynamo:Otlp:Endpoint"] is { Length: > 0 } configured ? configured : null;
        var otlp = endpoint is not null || Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 };
        var protocol = (configuration["Dynamo:Otlp:Protocol"] ?? "grpc") switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new DynamoConfigurationException($"'Dynamo:Otlp:Protocol' must be \"grpc\" or \"http/protobuf\", got '{other}'."),
        };
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            throw new DynamoConfigurationException($"'Dynamo:Otlp:Endpoint' must be an absolute URL such as http://localhost:4317, got '{endpoint}'.");
        // Set in code, an http/protobuf endpoint is the full URL of each signal.
        void Exporter(OtlpExporterOptions options, string signal)
        {
            if (endpoint is null)
                return;
            options.Protocol = protocol;
            options.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? $"{endpoint.TrimEnd('/')}/v1/{signal}" : endpoint);
        }
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
                if (otlp)
                    metrics.AddOtlpExporter(o => Exporter(o, "metrics"));
            });
        // The request trace's otel sink exports OTLP logs to the same endpoint (or OTEL_EXPORTER_OTLP_*).
        services.AddKeyedSingleton<ITraceSink>("otel", (sp, _) => new OtelTraceSink(sp.GetRequiredService<RequestTraceOptions>(),
            Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? serviceName, o => o.AddOtlpExporter(e => Exporter(e, "logs"))));
        if (otlp)
            // The HTTP request's span is the parent of the runtime's request span (and, when sampled, records it).
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(MeterNames).AddOtlpExporter(o => Exporter(o, "traces")));
        return services;
    }
}
