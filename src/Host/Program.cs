using Dynamo.Host.Commands;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Options;

try
{
    return args.FirstOrDefault() switch
    {
        "plugins" => await PluginsCommand.RunAsync(args[1..], Console.Out),
        "serve" => await ServeCommand.RunAsync(args[1..]),
        "frontend" => await ServeCommand.RunAsync([.. args[1..], "--distributed"]),
        "worker" => await WorkerCommand.RunAsync(args[1..]),
        "-h" or "--help" or "help" => Help(),
        _ => await ServeCommand.RunAsync(args),
    };
}
catch (Exception ex) when (Usage.Message(ex) is { } message)
{
    Console.Error.WriteLine($"dynamo: {message}");
    Console.Error.WriteLine("Run 'dynamo --help' for usage.");
    return 2;
}
catch (Exception ex)
{
    // Anything else that stops the start (a port in use, say): one line, not a stack trace.
    Console.Error.WriteLine($"dynamo: {ex.GetBaseException().Message}");
    return 1;
}

static int Help()
{
    Console.WriteLine("""
        dynamo — an OpenAI-compatible LLM server whose engines, routers, parsers and templates are plugins.

        Usage:
          dynamo [serve] [--config FILE] [--urls URL] [--Dynamo:Key=Value ...]
              Serve the models in appsettings.json (or FILE) on http://127.0.0.1:8000.
          dynamo frontend [--nats nats://127.0.0.1:4222] [--config FILE] ...      (or: dynamo serve --distributed)
              Serve the configured models with workers found through NATS instead of engines in this process.
          dynamo worker [--model NAME] [--worker-id ID] [--system-port PORT] [--nats nats://127.0.0.1:4222] [--config FILE] ...
              Run one engine of a configured model as a worker: it registers in NATS and serves frontends.
              With a system port (or Dynamo:SystemPort, DYN_SYSTEM_PORT) it serves /metrics, /health and /live there.
          dynamo plugins [--config FILE]
              List the plugins found and the named components each provides.

        Relative model paths in a configuration file are relative to that file's folder.
        Benchmarks and authoring tools (bench, parse, template, trace) are in tools/Dev: dotnet run --project tools/Dev -- --help
        """);
    return 0;
}

/// <summary>Failures that are the user's to fix: said in one line, never as a stack trace.</summary>
internal static class Usage
{
    public static string? Message(Exception exception) => exception switch
    {
        DynamoConfigurationException config => config.Message,
        OptionsValidationException options => string.Join(" ", options.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Message(e) is not null) =>
            string.Join(" ", aggregate.InnerExceptions.Select(Message)),
        _ => null,
    };
}
