using Dynamo.Host.OpenAi;
using Dynamo.Host.Tracing;
using Dynamo.Runtime;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Dynamo.Host.Http;

/// <summary>The HTTP front doors on the runtime, in the manner of YARP: <c>AddDynamoHttp()</c> on the builder, <c>MapDynamo()</c> on the app.</summary>
public static class DynamoHttp
{
    /// <summary>The OpenAI endpoints' services and the metrics exporter.</summary>
    public static DynamoBuilder AddDynamoHttp(this DynamoBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new RequestBodyReader(sp.GetRequiredService<IOptions<DynamoOptions>>().Value.MaxRequestBodyBytes));
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();
        services.AddSingleton<ToolEventsEndpoint>();
        services.AddDynamoTelemetry(builder.Configuration, "dynamo-frontend");
        return builder;
    }

    /// <summary>
    /// The OpenAI endpoints (<c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/models</c>),
    /// <c>/v1/agent/tool_events</c>, <c>/health</c>, <c>/live</c> and <c>/metrics</c>; anything else is a 404 in OpenAI's shape.
    /// </summary>
    public static IEndpointRouteBuilder MapDynamo(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", OpenAiErrors.Handle(c => c.RequestServices.GetRequiredService<ChatCompletionsEndpoint>().HandleAsync(c)));
        endpoints.MapPost("/v1/completions", OpenAiErrors.Handle(c => c.RequestServices.GetRequiredService<CompletionsEndpoint>().HandleAsync(c)));
        endpoints.MapPost("/v1/agent/tool_events", OpenAiErrors.Handle(c => c.RequestServices.GetRequiredService<ToolEventsEndpoint>().HandleAsync(c)));
        endpoints.MapGet("/v1/models", (DynamoRuntime runtime) => Results.Json(ModelsEndpoint.List(runtime), OpenAiJson.Context.ModelList));
        endpoints.MapGet("/health", (DynamoRuntime runtime) => HealthEndpoint.Get(runtime.Models));
        endpoints.MapGet("/live", HealthEndpoint.Live);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapFallback(OpenAiErrors.Handle(c => throw new DynamoRequestException(RequestErrorKind.NotFound,
            $"No route for {c.Request.Method} {c.Request.Path}.", null, "not_found")));
        // The runtime's instruments exist from the start, before the first request.
        endpoints.ServiceProvider.GetRequiredService<DynamoRuntime>();
        return endpoints;
    }
}
