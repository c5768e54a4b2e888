using Dynamo.Host;
using Dynamo.Host.Commands;
using Dynamo.Host.Configuration;

try
{
    return args.FirstOrDefault() switch
    {
        "plugins" => PluginsCommand.Run(args[1..], Console.Out),
        "bench" when args.ElementAtOrDefault(1) == "agentic" => await AgenticBenchCommand.RunAsync(args[2..], Console.Out),
        "bench" when args.ElementAtOrDefault(1) == "priority" => await PriorityBenchCommand.RunAsync(args[2..], Console.Out),
        "bench" when args.ElementAtOrDefault(1) == "speculative" => await SpeculativeBenchCommand.RunAsync(args[2..], Console.Out),
        "bench" when args.ElementAtOrDefault(1) == "offload" => await OffloadBenchCommand.RunAsync(args[2..], Console.Out),
        "bench" => await BenchCommand.RunAsync(args[1..], Console.Out),
        "template" => await TemplateCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error),
        "parse" => await ParseCommand.RunAsync(args[1..], Console.In, Console.Out),
        "trace" => await TraceCommand.RunAsync(args[1..], Console.Out),
        "serve" => await ServeCommand.RunAsync(args[1..]),
        "frontend" => await ServeCommand.RunAsync([.. args[1..], "--distributed"]),
        "worker" => await WorkerCommand.RunAsync(args[1..]),
        "-h" or "--help" or "help" => Help(),
        _ => await ServeCommand.RunAsync(args),
    };
}
catch (DynamoConfigurationException ex)
{
    Console.Error.WriteLine($"dynamo: {ex.Message}");
    return 2;
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
          dynamo worker [--model NAME] [--worker-id ID] [--nats nats://127.0.0.1:4222] [--config FILE] ...
              Run one engine of a configured model as a worker: it registers in NATS and serves frontends.
          dynamo plugins [--config FILE]
              List the plugins found and the named components each provides.
          dynamo bench engine --model FILE [--engine llama] [--prompt-tokens 512] [--decode-tokens 64] [--batches 1,4,16] [--device auto|cpu|cuda]
              Time to first token, prefill and decode tokens/s of an engine plugin on a model file.
          dynamo bench agentic [--routers round-robin,least-loaded,kv] [--workers 4] [--sessions 16] [--prefixes 8]
                               [--turns 4] [--prefix-tokens 4000] [--kv-blocks 1024] [--seed 1] [--speedup 4] [--distributed]
              Multi-turn agent sessions sharing system prompts against mocker workers behind each router:
              TTFT p50/p90/p99 (turn 1 and later turns), inter-token latency, tokens/s, cache hits, errors.
              --distributed: the workers are processes behind a frontend, over a nats-server it starts.
          dynamo bench priority [--requests 96] [--high-share 0.25] [--busy-threshold 4] [--seed 1]
              A burst far above one mocker worker's batch, some requests with agent_hints.priority 10: TTFT of
              high- and low-priority requests with the hints and without them (arrival order).
          dynamo bench speculative [--config FILE --model NAME] [--sessions 8] [--turns 4] [--tool-ms 200] [--max-tokens N]
              Multi-turn sessions with tool time between turns, without and with agent_hints.speculative_prefill:
              TTFT of turns 2+ and their cached prompt share (default model: a reasoning mocker whose template
              drops reasoning from history).
          dynamo bench offload [--model FILE.gguf] [--sessions 8] [--turns 3] [--prefix-chars 1200] [--device-tokens 2048] [--shared ../shared]
              Sessions whose prefixes exceed the device KV cache return after the others pushed them out: TTFT and
              prompt tokens prefilled on returning turns, with no offload tiers, host memory, and host + disk.
          dynamo template render (--template FILE | --model PATH) [--jsonl] < request.json
              Render a request body ({"messages", "tools", "add_generation_prompt", "chat_template_kwargs",
              "bos_token", "eos_token"}) through a chat template exactly; --jsonl: one request per line in,
              one {"id", "prompt"} or {"id", "error"} line out.
          dynamo trace summarize FILE [FILE ...]
              Per-trajectory totals of agent trace files (.jsonl / .jsonl.gz): requests, tokens, cache hit
              rate, time in the model, tool calls and time in tools.
          dynamo parse tool-calls --parser NAME [--tools FILE] [--jsonl] [--chunks N | --random-chunks SEED] < output.txt
          dynamo parse reasoning --parser NAME [--jsonl] [--chunks N | --random-chunks SEED] < output.txt
              Run a parser plugin over model output: {"normal_text", "calls": [{"id", "name", "arguments"}]} or
              {"reasoning", "content"}; --chunks/--random-chunks stream it in pieces so both paths can be diffed;
              --jsonl: one {"id", "text", "tools"?} per line in, one result line out.
        """);
    return 0;
}
