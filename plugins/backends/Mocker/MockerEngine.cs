using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Backends.Mocker;

/// <summary>
/// A simulated engine (Dynamo's mocker): the shared scheduler with continuous batching, a paged
/// prefix cache over real block hashes, and simulated time for prefill and decode. See
/// README.md for the timing model.
/// </summary>
internal sealed class MockerEngine : EngineScheduler<MockSequence>
{
    private readonly MockerOptions _options;
    private readonly MockTextSource _text;
    private readonly TimeProvider _clock;
    private readonly MockKvCache _cache;
    private readonly KvSessionHolds<List<ulong>> _sessions;
    private long _due;
    private long _prefillTokens;

    public MockerEngine(MockerOptions options, MockTextSource text, TimeProvider clock)
    {
        (_options, _text, _clock) = (options, text, clock);
        _cache = new MockKvCache(options.KvCapacityBlocks, PublishKvEvent);
        _sessions = new KvSessionHolds<List<ulong>>(clock);
        Descriptor = new EngineDescriptor(options.KvBlockSize, options.KvCapacityBlocks, options.MaxContextLength, options.MaxBatchSize);
        _due = clock.GetTimestamp();
        StartLoop();
    }

    public override EngineDescriptor Descriptor { get; }

    protected override string EngineName => "The mocker";

    protected override ValueTask<MockSequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken)
    {
        if (request.TokenIds.Count + 1 > _options.MaxContextLength)
            throw new EngineException($"The prompt ({request.TokenIds.Count} tokens) does not fit the context of {_options.MaxContextLength} tokens.", isClientError: true);
        var answer = _text.ScriptedAnswer(request.TokenIds);
        var target = request.Stop.IgnoreEos ? request.Stop.MaxTokens
            : Math.Min(request.Stop.MaxTokens, answer?.Length ?? (request.Metadata.AgentHints?.Osl is > 0 and var osl ? osl : _options.OutputTokens));
        target = Math.Min(target, Math.Min(_options.MaxContextLength - request.TokenIds.Count, answer?.Length ?? int.MaxValue));
        return ValueTask.FromResult(new MockSequence(request, target, _text.Start(answer, request.Sampling.Seed ?? _options.Seed), _options.KvBlockSize));
    }

    protected override void BeforeAdmit()
    {
        foreach (var lapsed in _sessions.Expire())
            _cache.Release(lapsed, 0, 0);
    }

    /// <summary>Reserves the blocks the request will fill (prompt and output), sharing its cached prefix.</summary>
    protected override bool TryAdmit(MockSequence sequence)
    {
        var blockSize = _options.KvBlockSize;
        var prompt = sequence.Tokens.Count;
        var hashes = sequence.PromptHashes;
        // A prompt that is all cached still recomputes its last token, as real engines do.
        var cached = Math.Min(_cache.MatchPrefix(hashes), (prompt - 1) / blockSize);
        var needed = (prompt + sequence.TargetTokens + blockSize - 1) / blockSize;
        if (!_cache.TryAllocate(hashes, cached, needed - cached))
            return false;
        sequence.Blocks.AddRange(hashes.Take(cached).Select(h => h.SequenceHash));
        sequence.PrivateBlocks = needed - cached;
        sequence.CachedTokens = cached * blockSize;
        _prefillTokens += prompt - sequence.CachedTokens;
        return true;
    }

    protected override void OnWake() => _due = _clock.GetTimestamp();

    /// <summary>One simulated forward pass: wait out its time, then every running sequence gets one token.</summary>
    protected override async ValueTask StepAsync(CancellationToken stopping)
    {
        await WaitAsync(StepTime(_prefillTokens), stopping);
        _prefillTokens = 0;
        foreach (var sequence in Running.ToList())
        {
            if (sequence.Cancelled)
            {
                Finish(sequence, null);
                continue;
            }
            // A spent reasoning budget writes the end marker instead of the next word.
            var token = sequence.Reasoning?.Forced() ?? NextWord(sequence);
            sequence.Reasoning?.Observe(token);
            sequence.Tokens.Add(token);
            sequence.Generated++;
            RegisterFullBlocks(sequence);
            var done = sequence.Generated >= sequence.TargetTokens;
            var finish = !done ? (FinishReason?)null
                : sequence.Generated >= sequence.Request.Stop.MaxTokens || sequence.Tokens.Count >= _options.MaxContextLength ? FinishReason.Length : FinishReason.Stop;
            Emit(sequence, new EngineOutput([token], finish, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens)));
        }
    }

    private static int NextWord(MockSequence sequence)
    {
        sequence.Text.MoveNext();
        return sequence.Text.Current;
    }

    private TimeSpan StepTime(long prefillTokens)
    {
        var decodeMs = _options.DecodeItlMs + _options.DecodeItlPerSequenceMs * Math.Max(0, Running.Count - 1);
        var ms = prefillTokens * 1000.0 / _options.PrefillTokensPerSecond + decodeMs;
        return TimeSpan.FromMilliseconds(ms / _options.Speedup);
    }

    /// <summary>Sleeps until the simulated step is due; steps shorter than a millisecond add up instead of each sleeping.</summary>
    private async Task WaitAsync(TimeSpan step, CancellationToken stopping)
    {
        _due += (long)(step.TotalSeconds * _clock.TimestampFrequency);
        var now = _clock.GetTimestamp();
        var ahead = _clock.GetElapsedTime(now, _due);
        if (ahead >= TimeSpan.FromMilliseconds(1))
        {
            try { await Task.Delay(ahead, _clock, stopping); } catch (OperationCanceledException) { }
        }
        else
        {
            if (ahead < TimeSpan.FromMilliseconds(-50))
                _due = now; // far behind (a stall): do not burst to catch up
            await Task.Yield(); // back-to-back short steps must not monopolise a thread-pool thread
        }
    }

    private void RegisterFullBlocks(MockSequence sequence)
    {
        foreach (var block in sequence.NewFullBlocks())
        {
            _cache.Register(block, sequence.LastBlockHash);
            sequence.Blocks.Add(block.SequenceHash);
            sequence.PrivateBlocks--;
        }
    }

    /// <summary>Private (partial) blocks go back now; full ones may stay held for an open session.</summary>
    protected override void Release(MockSequence sequence)
    {
        _cache.Release([], sequence.PrivateBlocks, sequence.Request.Priority);
        foreach (var blocks in _sessions.Finished(sequence.Request.Metadata, sequence.Blocks, sequence.Blocks.Count * _options.KvBlockSize))
            _cache.Release(blocks, 0, sequence.Request.Priority);
    }

    protected override EngineLoad MeasureLoad(int running, int waiting) =>
        new(running, waiting, _cache.ActiveBlocks, Waiting.Sum(s => (long)s.Tokens.Count), _sessions.HeldTokens);
}
