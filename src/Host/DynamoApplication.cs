using System.Reflection;
using Dynamo.Host.Configuration;
using Dynamo.Host.Metrics;
using Dynamo.Host.Models;
using Dynamo.Host.OpenAi;
using Dynamo.Host.Pipeline;
using Dynamo.Host.Plugins;
using Microsoft.Extensions.Configuration.Json;

namespace Dynamo.Host;

/// <summary>Builds the Dynamo host: configuration, plugins, models and the OpenAI-compatible endpoints.</summary>
public static class DynamoApplication
{
    /// <summary>
    /// Builds the host from command-line arguments. <c>--config FILE</c> replaces the embedded
    /// appsettings.json with FILE; environment variables and other arguments still override it.
    /// </summary>
    /// <param name="componentAssemblies">
    /// Assemblies scanned for components like plugins are, for an application that embeds the
    /// host and brings its own components in-process.
    /// </param>
    public static WebApplication Build(string[] args, params Assembly[] componentAssemblies)
    {
        var (configFile, rest) = TakeOption(args, "--config");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = AppContext.BaseDirectory });
        if (configFile is not null)
            UseConfigFile(builder.Configuration, Path.GetFullPath(configFile), rest);

        var options = DynamoOptions.From(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(PluginCatalog.LoadInto(services, builder.Configuration, options.PluginsPath, componentAssemblies));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ComponentRegistry>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<FrontendMetrics>();
        services.AddSingleton(new RequestBodyReader(options.MaxRequestBodyBytes));
        services.AddSingleton<Preprocessor>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();

        var app = builder.Build();
        app.UseMiddleware<OpenAiErrorMiddleware>();
        app.MapPost("/v1/chat/completions", (HttpContext c, ChatCompletionsEndpoint e) => e.HandleAsync(c));
        app.MapPost("/v1/completions", (HttpContext c, CompletionsEndpoint e) => e.HandleAsync(c));
        app.MapGet("/v1/models", (ModelRegistry m) => Results.Json(ModelsEndpoint.List(m), OpenAiJson.Context.ModelList));
        app.MapGet("/health", (ModelRegistry m) => Results.Json(new { status = "healthy", models = m.Models.Select(x => x.Name) }));
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
        var served = app.Services.GetRequiredService<ModelRegistry>();
        foreach (var model in options.Models.Where(m => served.Find(m.Name) is not null))
            app.Logger.LogInformation(
                "Serving {Model}: engine {Engine} x{Replicas}, router {Router}, tokenizer {Tokenizer}, chat template {Template}, tool-call parser {Tools}, reasoning parser {Reasoning}",
                model.Name, model.Engine.Name, model.Replicas, model.Router.Name, model.Tokenizer.Name, model.ChatTemplate.Name,
                model.ToolCallParser?.Name ?? "none", model.ReasoningParser?.Name ?? "none");
    }

    private static void UseConfigFile(ConfigurationManager configuration, string path, string[] args)
    {
        if (!File.Exists(path))
            throw new DynamoConfigurationException($"Configuration file '{path}' does not exist.");
        IConfigurationBuilder builder = configuration;
        foreach (var source in builder.Sources.OfType<JsonConfigurationSource>().Where(s => s.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true).ToList())
            builder.Sources.Remove(source);
        configuration.AddJsonFile(path, optional: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    internal static (string? Value, string[] Remaining) TakeOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
            return (null, args);
        if (index == args.Length - 1)
            throw new DynamoConfigurationException($"{name} needs a value.");
        return (args[index + 1], [.. args[..index], .. args[(index + 2)..]]);
    }
}
