using System.Reflection;
using Dynamo.Host.Configuration;
using Dynamo.Host.Distributed;
using Dynamo.Host.Metrics;
using Dynamo.Host.Models;
using Dynamo.Host.OpenAi;
using Dynamo.Host.Pipeline;
using Dynamo.Host.Plugins;
using Dynamo.Host.Tracing;

namespace Dynamo.Host;

/// <summary>Builds the Dynamo host: configuration, plugins, models and the OpenAI-compatible endpoints.</summary>
public static class DynamoApplication
{
    /// <summary>
    /// Builds the host from command-line arguments. <c>--config FILE</c> replaces the embedded
    /// appsettings.json with FILE; environment variables and other arguments still override it.
    /// With <c>--distributed</c> (<c>Dynamo:Distributed</c>) it is a frontend whose workers are
    /// other processes found through NATS (<c>--nats URL</c>).
    /// </summary>
    /// <param name="componentAssemblies">
    /// Assemblies scanned for components like plugins are, for an application that embeds the
    /// host and brings its own components in-process.
    /// </param>
    public static WebApplication Build(string[] args, params Assembly[] componentAssemblies)
    {
        var (configFile, rest) = DynamoConfiguration.Arguments(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = AppContext.BaseDirectory });
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, rest);

        var options = DynamoOptions.From(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(PluginCatalog.LoadInto(services, builder.Configuration, options.PluginsPath, componentAssemblies));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ComponentRegistry>();
        services.AddSingleton<ModelRegistry>();
        if (options.Distributed)
        {
            services.AddSingleton(NatsOptions.From(builder.Configuration));
            services.AddSingleton<WorkerDiscovery>();
        }
        services.AddSingleton<FrontendMetrics>();
        services.AddSingleton<KvbmMetrics>();
        var trace = AgentTraceOptions.From(builder.Configuration);
        if (trace.Enabled)
        {
            services.AddSingleton(trace);
            services.AddSingleton<AgentTracer>();
        }
        services.AddSingleton<ToolEventsEndpoint>();
        services.AddSingleton(new RequestBodyReader(options.MaxRequestBodyBytes));
        services.AddSingleton<Preprocessor>();
        services.AddSingleton<SpeculativePrefill>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();

        var app = builder.Build();
        app.UseMiddleware<OpenAiErrorMiddleware>();
        app.MapPost("/v1/chat/completions", (HttpContext c, ChatCompletionsEndpoint e) => e.HandleAsync(c));
        app.MapPost("/v1/completions", (HttpContext c, CompletionsEndpoint e) => e.HandleAsync(c));
        app.MapPost("/v1/agent/tool_events", (HttpContext c, ToolEventsEndpoint e) => e.HandleAsync(c));
        app.MapGet("/v1/models", (ModelRegistry m) => Results.Json(ModelsEndpoint.List(m), OpenAiJson.Context.ModelList));
        app.MapGet("/health", (ModelRegistry m) => Results.Json(new
        {
            status = "healthy",
            models = m.Models.Select(x => x.Name),
            instances = m.Models.ToDictionary(x => x.Name, x => x.Workers.Select(w => w.WorkerId)),
        }));
        app.MapGet("/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/metrics", async (HttpContext c, FrontendMetrics m) =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await m.Registry.CollectAndExportAsTextAsync(c.Response.Body, c.RequestAborted);
        });
        app.MapFallback((HttpContext c) => OpenAiErrorMiddleware.WriteAsync(c,
            new OpenAiException(StatusCodes.Status404NotFound, $"No route for {c.Request.Method} {c.Request.Path}.", "invalid_request_error", null, "not_found")));
        return app;
    }

    /// <summary>Creates every configured model now, so a bad configuration fails at startup, not on the first request.</summary>
    /// <exception cref="DynamoConfigurationException">A configured component is missing or failed to start.</exception>
    public static void StartModels(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<DynamoOptions>();
        var discovery = app.Services.GetService<WorkerDiscovery>();
        discovery?.StartAsync().GetAwaiter().GetResult();
        var served = app.Services.GetRequiredService<ModelRegistry>();
        app.Services.GetRequiredService<FrontendMetrics>().Observe(served);
        app.Services.GetRequiredService<KvbmMetrics>();
        foreach (var model in options.Models.Where(m => served.Find(m.Name) is not null))
            app.Logger.LogInformation(
                "Serving {Model}: {Workers}, router {Router}, tokenizer {Tokenizer}, chat template {Template}, tool-call parser {Tools}, reasoning parser {Reasoning}",
                model.Name, discovery is null ? $"engine {model.Engine.Name} x{model.Replicas}" : $"workers registered on NATS {discovery.Options.Url}",
                model.Router.Name, model.Tokenizer.Name, model.ChatTemplate.Name, model.ToolCallParser?.Name ?? "none", model.ReasoningParser?.Name ?? "none");
    }
}
