using Dynamo.Host.Configuration;
using Dynamo.Host.Distributed;
using Dynamo.Host.Models;
using Dynamo.Host.Plugins;

namespace Dynamo.Host.Commands;

/// <summary>
/// <c>dynamo worker [--model NAME] [--worker-id ID]</c>: one engine of a configured model, served
/// to frontends over NATS (<c>--nats URL</c>). Configuration is the host's: the same file serves both.
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (modelName, rest) = DynamoConfiguration.TakeOption(args, "--model");
        (var workerId, rest) = DynamoConfiguration.TakeOption(rest, "--worker-id");
        var (configFile, settings) = DynamoConfiguration.Arguments(rest);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
        var options = DynamoOptions.From(builder.Configuration);
        var nats = NatsOptions.From(builder.Configuration);
        var model = Choose(options, modelName);
        workerId ??= DefaultWorkerId(model.Name);
        if (!NatsSubjects.IsValidWorkerId(workerId))
            throw new DynamoConfigurationException($"--worker-id '{workerId}' may hold only letters, digits, '-' and '_' (it becomes a NATS subject token).");

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(PluginCatalog.LoadInto(builder.Services, builder.Configuration, options.PluginsPath, []));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ComponentRegistry>();
        using var host = builder.Build();
        var components = host.Services.GetRequiredService<ComponentRegistry>();
        var tokenizer = ModelRegistry.CreateTokenizer(model, components, host.Services);
        await using var engine = ModelRegistry.CreateEngine(model, components, host.Services, workerId, tokenizer);
        await using var connection = await NatsConnector.ConnectAsync(nats, workerId);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dynamo.Worker");
        var worker = new NatsWorker(model.Name, workerId, engine, connection, nats, TimeProvider.System, logger);

        await host.StartAsync();
        var healthy = await worker.RunAsync(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        await host.StopAsync();
        return healthy ? 0 : 1;
    }

    private static ModelOptions Choose(DynamoOptions options, string? name)
    {
        if (name is null)
            return options.Models.Count == 1 ? options.Models[0]
                : throw new DynamoConfigurationException($"This configuration has {options.Models.Count} models: pick one with --model ({Names(options)}).");
        return options.Models.FirstOrDefault(m => m.Name == name)
            ?? throw new DynamoConfigurationException($"--model '{name}' is not configured; configured models: {Names(options)}.");
    }

    private static string Names(DynamoOptions options) => string.Join(", ", options.Models.Select(m => $"'{m.Name}'"));

    // Unique per process on a machine, readable in logs; on Kubernetes the machine name is the pod's.
    private static string DefaultWorkerId(string model) =>
        new string($"{model}-{Environment.MachineName}-{Environment.ProcessId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
}
