using System.Diagnostics;
using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Routing;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Logging;
using IRouter = Dynamo.Abstractions.Routing.IRouter;

namespace Dynamo.Runtime.Models;

/// <summary>A model as served: its preprocessing and postprocessing components, router and workers.</summary>
internal sealed class ServedModel : IAsyncDisposable
{
    private readonly IRouter _router;
    private readonly IWorkerSet _workers;
    private readonly int _migrationLimit;
    private readonly ILogger _logger;
    private readonly AdmissionQueue _queue;
    private readonly SessionAffinity _sessions;
    private readonly TimeProvider _clock;
    private readonly Lazy<(int[]? Start, int[] End, bool StartsInReasoning)?> _reasoningMarkers;

    /// <param name="busyThreshold">Requests in flight per worker beyond which new ones queue by priority; null: no such limit.</param>
    /// <param name="busy">Load thresholds beyond which a worker is busy (reject or queue when all are).</param>
    public ServedModel(string name, ITokenizer tokenizer, IChatTemplate chatTemplate, IRouter router,
        IToolCallParser? toolCallParser, IReasoningParser? reasoningParser, IWorkerSet workers, int migrationLimit, ILogger logger, TimeProvider clock,
        int? busyThreshold = null, BusyThresholds? busy = null, SessionAffinityOptions? affinity = null)
    {
        (Name, Tokenizer, ChatTemplate, ToolCallParser, ReasoningParser) = (name, tokenizer, chatTemplate, toolCallParser, reasoningParser);
        (_router, _workers, _migrationLimit, _logger) = (router, workers, migrationLimit, logger);
        _clock = clock;
        Busy = new BusyGate(busy);
        _sessions = new SessionAffinity(clock, affinity, Busy);
        Created = clock.GetUtcNow();
        // Room: under the per-worker request limit (when set), and not every worker busy in queue mode.
        _queue = new AdmissionQueue(
            admitted => (busyThreshold is not { } limit || admitted < limit * Math.Max(workers.Workers.Count, 1))
                && !(Busy.Thresholds.Mode == BusyMode.Queue && Busy.AllBusy(workers.Workers)),
            () => Busy.Thresholds is { Any: true, Mode: BusyMode.Queue });
        _reasoningMarkers = new(() => reasoningParser?.Markers is { } m
            ? (m.Start is { } start ? tokenizer.Encode(start, addSpecialTokens: false) : null, tokenizer.Encode(m.End, addSpecialTokens: false), m.StartsInReasoning)
            : null);
        workers.KvEventPublished += router.OnKvEvent;
        workers.WorkerRemoved += router.OnWorkerRemoved;
        if (router is IReplicatedRouter replicated && workers.Replicas is { } replicas)
        {
            replicated.ShareLoadWith(replicas.Publish);
            replicas.Received += replicated.ApplyRemoteLoad;
        }
    }

    public string Name { get; }

    /// <summary>The router's name, for the request trace.</summary>
    public string? RouterName { get; init; }

    public ITokenizer Tokenizer { get; }

    public IChatTemplate ChatTemplate { get; }

    public IToolCallParser? ToolCallParser { get; }

    public IReasoningParser? ReasoningParser { get; }

    /// <summary>The reasoning parser's markers in the model's own tokens, encoded once; null when it has none.</summary>
    public (int[]? Start, int[] End, bool StartsInReasoning)? ReasoningMarkers => _reasoningMarkers.Value;

    public IReadOnlyList<IWorker> Workers => _workers.Workers;

    /// <summary>Workers taken out of routing because their engine failed.</summary>
    public int FailedWorkers => _workers.FailedWorkers;

    /// <summary>The grammar engine structured output is compiled with; null when none is installed.</summary>
    public GrammarCache? Grammar { get; init; }

    /// <summary>What the model is built from, for the log.</summary>
    public string Description { get; init; } = "";

    /// <summary>Requests waiting for a busy worker now.</summary>
    public int QueueDepth => _queue.Depth;

    /// <summary>The model's busy thresholds and the check against its workers' load.</summary>
    public BusyGate Busy { get; }

    /// <summary>Refuses a new request with 529 when every worker is busy and the model sheds load (reject mode).</summary>
    public void ThrowIfOverloaded()
    {
        if (Busy.Thresholds.Mode == BusyMode.Reject && Busy.AllBusy(_workers.Workers))
            throw DynamoRequestException.Overloaded(Name);
    }

    /// <summary>Sessions with sticky routing now.</summary>
    public int BoundSessions => _sessions.Count;

    /// <summary>The longest prompt + output every current worker accepts.</summary>
    public int MaxContextLength => Live().Min(w => w.Descriptor.MaxContextLength);

    public DateTimeOffset Created { get; }

    /// <summary>
    /// Routes the request to a worker and streams its output. When the worker is lost mid-stream,
    /// the request moves to another worker with its prompt and the tokens generated so far
    /// (Dynamo's request migration), at most <c>MigrationLimit</c> times; the caller sees one stream.
    /// </summary>
    /// <param name="record">Filled in as the request is queued, routed and migrated.</param>
    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, RouteRecord record, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var arrived = Stopwatch.GetTimestamp();
        record.QueueDepth = _queue.Depth;
        using var slot = await _queue.EnterAsync(request.Metadata.StrictPriority, request.Priority, cancellationToken);
        var generated = new List<int>();
        var lost = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; ; attempt++)
        {
            var attemptRequest = attempt == 0 ? request : request with
            {
                TokenIds = [.. request.TokenIds, .. generated],
                Stop = request.Stop with { MaxTokens = request.Stop.MaxTokens - generated.Count },
            };
            var (worker, decision) = await RouteAsync(attemptRequest, lost, record, attempt, cancellationToken);
            record.WorkerId = worker.WorkerId;
            record.BlockSize = worker.Descriptor.KvBlockSize;
            if (attempt == 0)
                record.RouteWait = Stopwatch.GetElapsedTime(arrived);
            var blockSize = worker.Descriptor.KvBlockSize;
            var continuation = attempt > 0;
            int? prefillCached = null;
            string reason;
            // Tokens this worker had before it began (a migration's, or a remote prefill's first): its own prefill is done at its first new ones.
            var start = generated.Count;
            // The router hears the request ended on the decode worker however it ends, a prefill that finished it included.
            try
            {
                // Conditional disaggregation: a long uncached prompt is prefilled on a prefill worker, whose first token
                // goes out at once and whose KV the decode worker takes over (or, failing that, prefills itself).
                if (attempt == 0 && await PrefillRemotelyAsync(request, worker, decision, record, cancellationToken) is { } prefilled)
                {
                    generated.AddRange(prefilled.Output.TokenIds);
                    if (generated.Count > 0)
                        record.FirstOutput.TrySetResult(worker.WorkerId);
                    if (prefilled.Output.FinishReason is { } finish && (finish != FinishReason.Length || generated.Count >= request.Stop.MaxTokens))
                    {
                        yield return prefilled.Output with { ExportedKv = null, KvHandle = null };
                        yield break;
                    }
                    yield return new EngineOutput(prefilled.Output.TokenIds, Logprobs: prefilled.Output.Logprobs);
                    attemptRequest = request with
                    {
                        TokenIds = [.. request.TokenIds, .. generated],
                        Stop = request.Stop with { MaxTokens = request.Stop.MaxTokens - generated.Count, MinTokens = Math.Max(0, request.Stop.MinTokens - generated.Count) },
                        ImportKv = prefilled.Output.ExportedKv,
                        KvSource = prefilled.Output.KvHandle,
                    };
                    continuation = true;
                    // What the client hears as cached is what the prefill worker found cached, not what was copied over.
                    prefillCached = prefilled.Output.Usage?.CachedTokens ?? 0;
                    start = generated.Count;
                }
                await using var outputs = worker.GenerateAsync(attemptRequest, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    var (more, lostReason) = await NextAsync(outputs, canMigrate: attempt < _migrationLimit);
                    if (lostReason is not null)
                    {
                        reason = lostReason;
                        break;
                    }
                    if (!more)
                        yield break;
                    var before = generated.Count;
                    generated.AddRange(outputs.Current.TokenIds);
                    if (before == 0 && generated.Count > 0)
                        record.FirstOutput.TrySetResult(worker.WorkerId);
                    // The router hears of the first tokens (the prefill is done) and then of each block of output.
                    if ((before == start && generated.Count > start) || generated.Count / blockSize > before / blockSize)
                        _router.OnRequestProgress(worker.WorkerId, request.RequestId, generated.Count);
                    yield return continuation ? AsOneStream(outputs.Current, request, generated.Count, prefillCached) : outputs.Current;
                }
            }
            finally
            {
                _router.OnRequestFinished(worker.WorkerId, request.RequestId);
            }
            lost.Add(worker.WorkerId);
            record.Migrations++;
            _logger.LogWarning("Request {RequestId} of {Model}: {Reason}; migrating with {Tokens} tokens generated (migration {Attempt} of {Limit})",
                request.RequestId, Name, reason, generated.Count, attempt + 1, _migrationLimit);
            if (generated.Count >= request.Stop.MaxTokens)
            {
                // Lost between its last token and its finish: nothing is left to generate.
                yield return new EngineOutput([], FinishReason.Length, new EngineUsage(request.TokenIds.Count, generated.Count, 0));
                yield break;
            }
        }
    }

    /// <summary>When a prompt goes to a prefill worker instead of the decode worker chosen for it.</summary>
    public DisaggregationOptions Disaggregation { get; init; } = DisaggregationOptions.Default;

    /// <summary>
    /// Prefills the prompt on a prefill worker (chosen by the router among them, by its KV overlap) when the
    /// decode worker would prefill more than <see cref="DisaggregationOptions.MaxLocalPrefillLength"/> uncached
    /// tokens and the prefill queue has room. Returns its output (the first token, and the prompt's KV or where it
    /// waits), or null to prefill on the decode worker: not worth it, no prefill worker, or the prefill failed.
    /// Grammars and reasoning budgets stay on one worker: they follow the output from its first token.
    /// </summary>
    private async Task<(EngineOutput Output, string WorkerId)?> PrefillRemotelyAsync(EngineRequest request, IWorker decode, RoutingDecision? decision, RouteRecord record, CancellationToken cancellationToken)
    {
        if (request.Constraint is not null || request.Reasoning is not null)
            return null;
        var prefillWorkers = Live().Where(w => w.Role == WorkerRole.Prefill).ToList();
        if (prefillWorkers.Count == 0)
            return null;
        var uncached = request.TokenIds.Count - (decision?.ExpectedCachedBlocks ?? 0) * decode.Descriptor.KvBlockSize;
        if (uncached <= Disaggregation.MaxLocalPrefillLength || prefillWorkers.Sum(w => w.Load.QueuedPrefillTokens) >= Disaggregation.MaxPrefillQueueTokens)
            return null;
        var prefillRequest = request with
        {
            RequestId = request.RequestId + "-prefill",
            Stop = request.Stop with { MaxTokens = 1, MinTokens = Math.Min(request.Stop.MinTokens, 1) },
            ExportKv = true,
        };
        var snapshots = prefillWorkers.Select(w => w.Snapshot()).ToList();
        var choice = await _router.RouteAsync(new RoutingRequest(prefillRequest.RequestId, request.TokenIds, request.Metadata), snapshots, cancellationToken);
        var prefill = prefillWorkers.FirstOrDefault(w => w.WorkerId == choice.WorkerId) ?? prefillWorkers[0];
        record.Selections?.Add((_clock.GetUtcNow().ToUnixTimeMilliseconds(), Selection(prefillRequest, prefill, "prefill", 0, choice, snapshots)));
        var (tokens, logprobs) = (new List<int>(), new List<TokenLogprob>());
        EngineOutput? last = null;
        try
        {
            await foreach (var output in prefill.GenerateAsync(prefillRequest, cancellationToken))
            {
                tokens.AddRange(output.TokenIds);
                logprobs.AddRange(output.Logprobs ?? []);
                last = output;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Request {RequestId} of {Model}: prefill worker {Worker} failed ({Reason}); the decode worker {Decode} prefills it",
                request.RequestId, Name, prefill.WorkerId, ex.Message, decode.WorkerId);
            return null;
        }
        finally
        {
            _router.OnRequestFinished(prefill.WorkerId, prefillRequest.RequestId);
        }
        if (last?.FinishReason is null)
            return null;
        record.PrefillWorkerId = prefill.WorkerId;
        var bytes = last.KvHandle?.Bytes ?? last.ExportedKv?.Sum(b => (long)b.Data.Length) ?? 0;
        record.KvTransferEstimateMs = bytes * 8 / (Disaggregation.TransferGbps * 1e9) * 1000;
        return (last with { TokenIds = tokens, Logprobs = last.Logprobs is null ? null : logprobs }, prefill.WorkerId);
    }

    /// <summary>Runs <paramref name="request"/> on the worker <paramref name="workerId"/> (no routing, no migration) and discards its output.</summary>
    public async Task PrefillOnAsync(string workerId, EngineRequest request)
    {
        if (_workers.Workers.FirstOrDefault(w => w.WorkerId == workerId) is not { } worker)
            return;
        await foreach (var _ in worker.GenerateAsync(request, CancellationToken.None))
        {
        }
    }

    private IReadOnlyList<IWorker> Live()
    {
        var workers = _workers.Workers;
        return workers.Count > 0 ? workers : throw NoWorker();
    }

    private DynamoRequestException NoWorker() => DynamoRequestException.NoWorkers(Name);

    private async ValueTask<(IWorker Worker, RoutingDecision? Decision)> RouteAsync(EngineRequest request, HashSet<string> exclude, RouteRecord record, int attempt, CancellationToken cancellationToken)
    {
        // Prefill workers take prompts from decode workers' requests, never a whole request (unless no other worker is left).
        var live = Live().Where(w => !exclude.Contains(w.WorkerId)).ToList();
        var candidates = live.Any(w => w.Role != WorkerRole.Prefill) ? live.Where(w => w.Role != WorkerRole.Prefill).ToList() : live;
        if (candidates.Count == 0)
            throw exclude.Count == 0 ? NoWorker() : new EngineException($"Every worker that took this request was lost ({string.Join(", ", exclude)}) and no other is left.");
        RoutingDecision? decision = null;
        List<WorkerSnapshot>? snapshots = null;
        string workerId, reason;
        if (record.PreferredWorker is { } preferred && candidates.Any(w => w.WorkerId == preferred))
            (workerId, reason) = (preferred, "preferred");
        else if (_sessions.WorkerFor(request.Metadata, candidates) is { } bound)
            (workerId, reason) = (bound, "session_affinity");
        else
        {
            snapshots = [.. candidates.Select(w => w.Snapshot())];
            decision = await _router.RouteAsync(new RoutingRequest(request.RequestId, request.TokenIds, request.Metadata), snapshots, cancellationToken);
            (workerId, reason) = (decision.WorkerId, "router");
        }
        var worker = candidates.FirstOrDefault(w => w.WorkerId == workerId)
            ?? throw new InvalidOperationException($"Router chose unknown worker '{workerId}'.");
        if (reason != "preferred")
            _sessions.Routed(request.Metadata, worker.WorkerId);
        record.Selections?.Add((_clock.GetUtcNow().ToUnixTimeMilliseconds(), Selection(request, worker, reason, attempt, decision, snapshots ?? [.. candidates.Select(w => w.Snapshot())])));
        return (worker, decision);
    }

    /// <summary>The decision as the request trace records it: the router's scored candidates, or each worker's reported load.</summary>
    private Tracing.RouterSelectionTrace Selection(EngineRequest request, IWorker chosen, string reason, int attempt, RoutingDecision? decision, List<WorkerSnapshot> workers)
    {
        var blockSize = chosen.Descriptor.KvBlockSize;
        var scored = decision?.Candidates ?? [.. workers.Select(w => new RouterCandidate(w.WorkerId, 0, 0, 0,
            (double)w.Load.QueuedPrefillTokens / w.Descriptor.KvBlockSize, w.Load.ActiveKvBlocks, w.Load.ActiveRequests, null))];
        return new Tracing.RouterSelectionTrace(request.RequestId, Name, RouterName, chosen.WorkerId, reason, attempt,
            (request.TokenIds.Count + blockSize - 1) / blockSize, blockSize, decision?.ExpectedCachedBlocks ?? 0, scored);
    }

    /// <summary>A continuation's output as the original request would report it: its prompt, every token generated.</summary>
    /// <param name="cachedTokens">The cached prompt tokens to report, when not the worker's own (a disaggregated prefill's).</param>
    private static EngineOutput AsOneStream(EngineOutput output, EngineRequest original, int generated, int? cachedTokens = null) =>
        output.Usage is { } usage
            ? output with { Usage = new EngineUsage(original.TokenIds.Count, generated, cachedTokens ?? Math.Min(usage.CachedTokens, original.TokenIds.Count)) }
            : output;

    /// <summary>
    /// Any failure inside an engine reaches the client as an engine failure with its message, never
    /// a stack trace; a lost worker is reported back (as a reason) while the request may still migrate.
    /// </summary>
    private static async ValueTask<(bool More, string? LostReason)> NextAsync(IAsyncEnumerator<EngineOutput> outputs, bool canMigrate)
    {
        try
        {
            return (await outputs.MoveNextAsync(), null);
        }
        catch (WorkerLostException ex) when (canMigrate)
        {
            return (false, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not EngineException)
        {
            throw new EngineException(ex.Message, inner: ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _workers.DisposeAsync();
        await Components.DisposeAsync([_router, ToolCallParser, ReasoningParser, ChatTemplate, Tokenizer]);
    }
}
