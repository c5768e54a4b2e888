using Dynamo.Dev.Commands;
using Dynamo.Dev.Replay;
using Dynamo.Host.Commands;

try
{
    return (args.FirstOrDefault(), args.ElementAtOrDefault(1)) switch
    {
        ("bench", "agentic") => await AgenticBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "priority") => await PriorityBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "speculative") => await SpeculativeBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "offload") => await OffloadBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "grammar") => await GrammarBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "structured") => await StructuredBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "memory") => await MemoryBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "disagg") => await DisaggBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "planner") => await PlannerBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", "kv-transfer") => await KvTransferBenchCommand.RunAsync(args[2..], Console.Out),
        ("bench", _) => await BenchCommand.RunAsync(args[1..], Console.Out),
        ("profile", _) => await ProfileCommand.RunAsync(args[1..], Console.Out),
        ("template", _) => await TemplateCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error),
        ("parse", _) => await ParseCommand.RunAsync(args[1..], Console.In, Console.Out),
        ("trace", _) => await TraceCommand.RunAsync(args[1..], Console.Out),
        ("replay", _) => await ReplayCommand.RunAsync(args[1..], Console.Out),
        _ => Help(),
    };
}
catch (Exception ex) when (UsageError.Message(ex) is { } message)
{
    Console.Error.WriteLine($"dynamo-dev: {message}");
    return 2;
}

static int Help()
{
    Console.WriteLine("""
        dynamo-dev — benchmarks and authoring tools for Dynamo for .NET (not part of the server).

        Usage (dotnet run --project tools/Dev -c Release -- COMMAND …):
          bench engine --model FILE [--engine llama] [--prompt-tokens 512] [--decode-tokens 64] [--batches 1,4,16] [--device auto|cpu|cuda] [--json]
          bench memory [--threads N] [--megabytes 1024] [--json]
              Time to first token, prefill and decode tokens/s of an engine plugin on a model file.
          bench agentic [--routers round-robin,least-loaded,kv] [--workers 4] [--sessions 16] [--prefixes 8]
                        [--turns 4] [--prefix-tokens 4000] [--kv-blocks 1024] [--seed 1] [--speedup 4] [--distributed]
              Multi-turn agent sessions sharing system prompts against mocker workers behind each router:
              TTFT p50/p90/p99 (turn 1 and later turns), inter-token latency, tokens/s, cache hits, errors.
              --distributed: the workers are processes behind a frontend, over a nats-server it starts.
          bench priority [--requests 96] [--high-share 0.25] [--busy-threshold 4] [--seed 1]
              A burst far above one mocker worker's batch, some requests with agent_hints.priority 10: TTFT of
              high- and low-priority requests with the hints and without them (arrival order).
          bench speculative [--config FILE --model NAME] [--sessions 8] [--turns 4] [--tool-ms 200] [--max-tokens N]
              Multi-turn sessions with tool time between turns, without and with agent_hints.speculative_prefill.
          bench offload [--model FILE.gguf] [--sessions 8] [--turns 3] [--prefix-chars 1200] [--device-tokens 2048] [--shared ../shared]
              Sessions whose prefixes exceed the device KV cache return after the others pushed them out: TTFT and
              prompt tokens prefilled on returning turns, with no offload tiers, host memory, and host + disk.
          bench grammar [--vocab FILE.gguf] [--schemas bench/schemas.jsonl] [--grammar pda] [--walks 4] [--max-tokens 256] [--seed 1]
              Compile each schema and walk it with a noise model: time to first mask and time between masks
              (p50/p90/p99) against one pass over the vocabulary; the vocabulary is ../shared's 32k SentencePiece one when present.
          bench structured --model FILE.gguf [--schemas bench/schemas.jsonl] [--grammar pda] [--batches 1,16] [--decode-tokens 64] [--decode-total 12288] [--max-tokens 128]
              The llama engine with and without a JSON Schema constraint (decode tokens/s and their ratio), then every
              schema through the model, plain and closing on budget: finished, valid (JsonSchema.Net) and cut shares.
          bench disagg [--workers 4] [--prefill-workers 2] [--decoders 16] [--decoder-prompt-tokens 200] [--decoder-output-tokens 300]
                       [--long-prompts 64] [--long-prompt-tokens 6000] [--long-output-tokens 20] [--long-interval-ms 250] [--arrivals poisson|fixed]
                       [--prefill-tokens-per-second 20000] [--itl-ms 10] [--kv-transfer-gbps 25] [--max-local-prefill 512]
                       [--max-prefill-queue-tokens N] [--router kv] [--speedup 2] [--seed 1] [--json]
              Steady decoders plus long unique prompts arriving throughout, on the same number of mocker workers
              aggregated (all do both) and disaggregated (prefill workers beside decode workers), kv router: the
              decoders' ITL p50/p90/p99, the long prompts' TTFT, the ratios, and the share prefilled remotely.
          bench kv-transfer [--blocks 256] [--block-bytes 1048576] [--repeat 9] [--json]
              A child process stages the blocks on its KV data plane (disaggregated prefill → decode) and this one
              pulls them over loopback TCP, keeping each block and transient, then reads the same bytes over a plain
              socket into one buffer: GB/s of each and the data plane's ratios to the raw copy.
          bench planner [--base-rate 3.5] [--peak-factor 4] [--phase-seconds 30] [--warmup-seconds 40] [--input-tokens 1000] [--output-tokens 40]
                        [--prefill-tokens-per-second 5000] [--itl-ms 15] [--itl-per-sequence-ms 4] [--max-batch 16] [--ttft-ms 500]
                        [--itl-target-ms 50] [--interval-seconds 5] [--cooldown-seconds 20] [--max-workers 8] [--mode throughput|load|both]
                        [--predictor exponential] [--fixed-workers N] [--seed 1] [--planner-log FILE] [--json]
              A Poisson load ramp (base, rising to peak-factor times, back) on mocker worker processes behind a frontend
              over a nats-server it starts: a fixed pool sized for the mean rate, then dynamo planner from 1 worker
              through the local connector. SLA attainment (TTFT and mean ITL within the targets), worker-seconds,
              their planner / fixed ratio, and a timeline of workers and attainment. Profiles the mocker first.
          profile [--engine llama] [--model FILE] | [--config FILE] --model-name NAME [--out profile.json] [--input-lengths 128,256,…]
                  [--max-input N] [--batches 1,2,4,…] [--max-batch N] [--contexts 128,512,…] [--decode-tokens 32] [--runs 3] [--warmup 2]
                  [--Dynamo:Models:0:Engine:OPTION=VALUE …]
              Dynamo's profiler: one engine configuration's time to first token by input length (one request alone, cache
              cold), inter-token latency by batch size and context length, and KV capacity, written as the planner's
              performance profile (JSON, snake_case; --out - prints it). Sweeps up to the engine's context and batch cap.
          template render (--template FILE | --model PATH) [--jsonl] < request.json
              Render a request body ({"messages", "tools", "add_generation_prompt", "chat_template_kwargs",
              "bos_token", "eos_token"}) through a chat template exactly; --jsonl: one request per line in,
              one {"id", "prompt"} or {"id", "error"} line out.
          trace summarize FILE [FILE ...]
              Per-trajectory totals of request trace files (.jsonl / .jsonl.gz, either schema).
          trace perfetto FILE|DIR [...] -o out.json
              Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev): a track per session or trajectory and per
              worker, model calls (with prefill-wait, prefill and decode stages) and tool calls as slices.
          replay TRACE [TRACE ...] [--speedup 1] [--block-tokens 64] [--output-tokens N] [--max-requests N] [--json]
                 [--url URL --model NAME [--vocab 256]] | [--workers 4] [--routers kv,round-robin,least-loaded] [--seed 1]
                 [--kv-block-size 16] [--kv-blocks 4096] [--prefill-tokens-per-second 20000] [--itl-ms 10]
          replay generate --out FILE [--sessions 32] [--turns 6] [--groups 4] [--system-blocks 8] [--user-blocks 2]
                 [--output-length 256] [--think-ms 4000] [--session-gap-ms 500] [--seed 1]
              Replay a Mooncake trace or request traces at their arrival times (--speedup also speeds the mockers),
              against --url or once per router over in-process mocker workers: TTFT and ITL p50/p90/p99,
              output tokens/s and KV hit rate. generate writes a Mooncake-format trace of multi-turn sessions.
          parse tool-calls --parser NAME [--tools FILE] [--jsonl] [--chunks N | --random-chunks SEED] < output.txt
          parse reasoning --parser NAME [--jsonl] [--chunks N | --random-chunks SEED] < output.txt
              Run a parser plugin over model output, one-shot or streamed in pieces.
        """);
    return 0;
}
