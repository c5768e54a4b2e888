namespace Dynamo.Host.Commands;

/// <summary><c>dynamo --help</c>.</summary>
internal static class HelpCommand
{
    public static int Run(TextWriter output)
    {
        output.WriteLine("""
            dynamo — an OpenAI-compatible LLM server whose engines, routers, parsers and templates are plugins.

            Usage:
              dynamo [serve] [--config FILE] [--urls URL] [--Dynamo:Key=Value ...]
                  Serve the models in appsettings.json (or FILE) on http://127.0.0.1:8000.
              dynamo frontend [--nats nats://127.0.0.1:4222] [--config FILE] ...      (or: dynamo serve --distributed)
                  Serve the configured models with workers found through NATS instead of engines in this process.
              dynamo worker [--model NAME] [--worker-id ID] [--role prefill|decode|both] [--system-port PORT] [--nats nats://127.0.0.1:4222] [--config FILE] ...
                  Run one engine of a configured model as a worker: it registers in NATS and serves frontends.
                  With a system port (or Dynamo:SystemPort, DYN_SYSTEM_PORT) it serves /metrics, /health and /live there.
              dynamo planner [--system-port PORT] [--nats nats://127.0.0.1:4222] [--config FILE] ...
                  Size the worker pools of Dynamo:Planner to its TTFT and ITL targets (modes throughput, load, both), from the
                  frontend's metrics and the workers' load, through its connector (virtual, local, kubernetes).
              dynamo plugins [--config FILE]
                  List the plugins found and the named components each provides.

            Relative model paths in a configuration file are relative to that file's folder.
            Benchmarks and authoring tools (bench, parse, template, trace) are in tools/Dev: dotnet run --project tools/Dev -- --help
            """);
        return 0;
    }
}
