using Dynamo.Host.Anthropic;
using Dynamo.Host.OpenAi;
using Dynamo.Host.Responses;
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
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<GracefulDrain>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();
        services.AddSingleton<TokenizeEndpoints>();
        services.AddSingleton<ToolEventsEndpoint>();
        services.AddSingleton<BusyThresholdEndpoint>();
        services.AddOptions<AnthropicOptions>().Bind(builder.Configuration.GetSection(AnthropicOptions.Section))
            .Validate(o => o.PingIntervalSeconds > 0, $"'{AnthropicOptions.Section}:PingIntervalSeconds' must be positive.")
            .ValidateOnStart();
        services.AddSingleton<MessagesEndpoint>();
        services.AddOptions<ResponsesOptions>().Bind(builder.Configuration.GetSection(ResponsesOptions.Section))
            .Validate(o => o.StoreMaxEntries > 0 && o.StoreTtlSeconds > 0, $"'{ResponsesOptions.Section}:StoreMaxEntries' and 'StoreTtlSeconds' must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ResponseStore>();
        services.AddSingleton<ResponsesEndpoint>();
        services.AddDynamoTelemetry(builder.Configuration, "dynamo-frontend");
        return builder;
    }

    /// <summary>
    /// The OpenAI endpoints (<c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/models</c>),
    /// <c>/v1/agent/tool_events</c>, <c>/health</c>, <c>/live</c> and <c>/metrics</c>; anything else is a 404 in OpenAI's shape.
    /// </summary>
    public static IEndpointRouteBuilder MapDynamo(this IEndpointRouteBuilder endpoints)
    {
        // OpenAI: chat and text completions, models, tokenize; the agent trace's tool events speak its error shape too.
        endpoints.MapPost("/v1/chat/completions", OpenAi(c => Get<ChatCompletionsEndpoint>(c).HandleAsync(c)));
        endpoints.MapPost("/v1/completions", OpenAi(c => Get<CompletionsEndpoint>(c).HandleAsync(c)));
        endpoints.MapGet("/v1/models", OpenAi(c => c.Response.WriteAsJsonAsync(ModelsEndpoint.List(Get<DynamoRuntime>(c)), OpenAiJson.Context.ModelList)));
        endpoints.MapGet("/v1/models/{id}", OpenAi(c => c.Response.WriteAsJsonAsync(
            ModelsEndpoint.Get(Get<DynamoRuntime>(c), (string)c.GetRouteValue("id")!), OpenAiJson.Context.ModelCard)));
        endpoints.MapPost("/v1/tokenize", OpenAi(c => Get<TokenizeEndpoints>(c).TokenizeAsync(c)));
        endpoints.MapPost("/v1/detokenize", OpenAi(c => Get<TokenizeEndpoints>(c).DetokenizeAsync(c)));
        endpoints.MapPost("/v1/agent/tool_events", OpenAi(c => Get<ToolEventsEndpoint>(c).HandleAsync(c)));
        // Dynamo's load-shedding thresholds, read and changed at run time (behind the API keys).
        endpoints.MapGet("/busy_threshold", OpenAi(c => Get<BusyThresholdEndpoint>(c).GetAsync(c)));
        endpoints.MapPost("/busy_threshold", OpenAi(c => Get<BusyThresholdEndpoint>(c).PostAsync(c)));

        // Anthropic: the Messages API (Claude Code posts to /v1/messages?beta=true).
        endpoints.MapPost("/v1/messages", Anthropic(c => Get<MessagesEndpoint>(c).HandleAsync(c)));
        endpoints.MapPost("/v1/messages/count_tokens", Anthropic(c => Get<MessagesEndpoint>(c).CountTokensAsync(c)));

        // OpenAI's Responses API (Codex speaks it), with its store.
        endpoints.MapPost("/v1/responses", Responses(c => Get<ResponsesEndpoint>(c).CreateAsync(c)));
        endpoints.MapGet("/v1/responses/{id}", Responses(c => Get<ResponsesEndpoint>(c).GetAsync(c)));
        endpoints.MapDelete("/v1/responses/{id}", Responses(c => Get<ResponsesEndpoint>(c).DeleteAsync(c)));

        // Open to all, keys or not: probes and scrapes.
        endpoints.MapGet("/health", (DynamoRuntime runtime, GracefulDrain drain) => HealthEndpoint.Get(runtime.Models, drain.Draining));
        endpoints.MapGet("/live", HealthEndpoint.Live);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapFallback(OpenAi(c => throw new DynamoRequestException(RequestErrorKind.NotFound,
            $"No route for {c.Request.Method} {c.Request.Path}.", null, "not_found")));
        // The runtime's instruments exist from the start, before the first request.
        endpoints.ServiceProvider.GetRequiredService<DynamoRuntime>();
        return endpoints;
    }

    private static RequestDelegate OpenAi(Func<HttpContext, Task> endpoint) => FrontDoor.Handle(OpenAiErrors.Shape, endpoint);

    private static RequestDelegate Anthropic(Func<HttpContext, Task> endpoint) => FrontDoor.Handle(AnthropicErrors.Shape, endpoint);

    private static RequestDelegate Responses(Func<HttpContext, Task> endpoint) => FrontDoor.Handle(ResponsesErrors.Shape, endpoint);

    private static T Get<T>(HttpContext context) where T : notnull => context.RequestServices.GetRequiredService<T>();
}
