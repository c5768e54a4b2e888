using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Backends.Mocker;

/// <summary>
/// A simulated engine (Dynamo's mocker): a scheduler loop with continuous batching, a paged
/// prefix cache over real block hashes, and simulated time for prefill and decode. See
/// README.md for the timing model.
/// </summary>
internal sealed class MockerEngine : IEngine
{
    private readonly MockerOptions _options;
    private readonly MockTextSource _text;
    private readonly TimeProvider _clock;
    private readonly MockKvCache _cache;
    private readonly KvSessionHolds<List<ulong>> _sessions;
    private readonly ConcurrentQueue<MockSequence> _incoming = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<MockSequence> _waiting = [];
    private readonly List<MockSequence> _running = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _arrivals;
    private long _due;
    private readonly Lock _loadLock = new();
    private EngineLoad _load;

    public MockerEngine(MockerOptions options, MockTextSource text, TimeProvider clock)
    {
        (_options, _text, _clock) = (options, text, clock);
        _cache = new MockKvCache(options.KvCapacityBlocks, e => KvEventPublished?.Invoke(e));
        _sessions = new KvSessionHolds<List<ulong>>(clock);
        Descriptor = new EngineDescriptor(options.KvBlockSize, options.KvCapacityBlocks, options.MaxContextLength, options.MaxBatchSize);
        _loop = Task.Run(RunAsync);
    }

    public EngineDescriptor Descriptor { get; }

    public EngineLoad Load
    {
        get { lock (_loadLock) return _load; }
    }

    public event Action<KvCacheEvent>? KvEventPublished;

    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.TokenIds.Count + 1 > _options.MaxContextLength)
            throw new EngineException($"The prompt ({request.TokenIds.Count} tokens) does not fit the context of {_options.MaxContextLength} tokens.", isClientError: true);
        var target = request.Stop.IgnoreEos ? request.Stop.MaxTokens
            : Math.Min(request.Stop.MaxTokens, _text.FixedLength ?? (request.Metadata.AgentHints?.Osl is > 0 and var osl ? osl : _options.OutputTokens));
        target = Math.Min(target, Math.Min(_options.MaxContextLength - request.TokenIds.Count, _text.FixedLength ?? int.MaxValue));
        var sequence = new MockSequence(request, Interlocked.Increment(ref _arrivals), target,
            _text.Start(request.Sampling.Seed ?? _options.Seed), _options.KvBlockSize);
        _incoming.Enqueue(sequence);
        _wake.Release();
        // Whichever way the consumer leaves (cancelled, disposed early), the loop frees the sequence.
        using var _ = new SequenceLease(sequence, _wake);
        await foreach (var output in sequence.Output.Reader.ReadAllAsync(cancellationToken))
            yield return output;
    }

    private sealed class SequenceLease(MockSequence sequence, SemaphoreSlim wake) : IDisposable
    {
        public void Dispose()
        {
            if (sequence.Output.Reader.Completion.IsCompleted)
                return;
            sequence.Cancel();
            wake.Release();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await ScheduleAsync();
        }
        catch (Exception ex)
        {
            // A bug here must fail the requests, not leave them waiting forever.
            foreach (var sequence in _waiting.Concat(_running).Concat(_incoming))
                sequence.Output.Writer.TryComplete(new EngineException($"The mocker's scheduler failed: {ex.Message}", inner: ex));
        }
    }

    private async Task ScheduleAsync()
    {
        _due = _clock.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            while (_incoming.TryDequeue(out var sequence))
                _waiting.Add(sequence);
            DropCancelled();
            var prefillTokens = Admit();
            PublishLoad();
            if (_running.Count == 0)
            {
                try { await _wake.WaitAsync(_stop.Token); } catch (OperationCanceledException) { break; }
                _due = _clock.GetTimestamp();
                continue;
            }
            await WaitAsync(StepTime(prefillTokens));
            Step();
        }
        foreach (var sequence in _waiting.Concat(_running))
            sequence.Output.Writer.TryComplete(new OperationCanceledException("The engine stopped."));
    }

    private void DropCancelled()
    {
        foreach (var lapsed in _sessions.Expire())
            _cache.Release(lapsed, 0, 0);
        _waiting.RemoveAll(s => s.Cancelled && s.Output.Writer.TryComplete());
        foreach (var sequence in _running.Where(s => s.Cancelled).ToList())
            Finish(sequence, null);
    }

    /// <summary>Admits waiting sequences by priority, then arrival, while batch slots and KV blocks last.</summary>
    /// <returns>Prompt tokens to prefill this step (those not served from the prefix cache).</returns>
    private long Admit()
    {
        long prefill = 0;
        _waiting.Sort((a, b) => b.Request.Priority != a.Request.Priority ? b.Request.Priority.CompareTo(a.Request.Priority) : a.Arrival.CompareTo(b.Arrival));
        var admitted = 0;
        var blockSize = _options.KvBlockSize;
        foreach (var sequence in _waiting)
        {
            if (_running.Count >= _options.MaxBatchSize)
                break;
            var prompt = sequence.Tokens.Count;
            var hashes = sequence.PromptHashes;
            // A prompt that is all cached still recomputes its last token, as real engines do.
            var cached = Math.Min(_cache.MatchPrefix(hashes), (prompt - 1) / blockSize);
            var needed = (prompt + sequence.TargetTokens + blockSize - 1) / blockSize;
            if (!_cache.TryAllocate(hashes, cached, needed - cached))
                break;
            sequence.Blocks.AddRange(hashes.Take(cached).Select(h => h.SequenceHash));
            sequence.PrivateBlocks = needed - cached;
            sequence.CachedTokens = cached * blockSize;
            prefill += prompt - sequence.CachedTokens;
            _running.Add(sequence);
            admitted++;
        }
        _waiting.RemoveRange(0, admitted);
        return prefill;
    }

    private TimeSpan StepTime(long prefillTokens)
    {
        var decodeMs = _options.DecodeItlMs + _options.DecodeItlPerSequenceMs * Math.Max(0, _running.Count - 1);
        var ms = prefillTokens * 1000.0 / _options.PrefillTokensPerSecond + decodeMs;
        return TimeSpan.FromMilliseconds(ms / _options.Speedup);
    }

    /// <summary>Sleeps until the simulated step is due; steps shorter than a millisecond add up instead of each sleeping.</summary>
    private async Task WaitAsync(TimeSpan step)
    {
        _due += (long)(step.TotalSeconds * _clock.TimestampFrequency);
        var now = _clock.GetTimestamp();
        var ahead = _clock.GetElapsedTime(now, _due);
        if (ahead >= TimeSpan.FromMilliseconds(1))
        {
            try { await Task.Delay(ahead, _clock, _stop.Token); } catch (OperationCanceledException) { }
        }
        else
        {
            if (ahead < TimeSpan.FromMilliseconds(-50))
                _due = now; // far behind (a stall): do not burst to catch up
            await Task.Yield(); // back-to-back short steps must not monopolise a thread-pool thread
        }
    }

    /// <summary>One forward pass: every running sequence gets one token.</summary>
    private void Step()
    {
        foreach (var sequence in _running.ToList())
        {
            if (sequence.Cancelled)
            {
                Finish(sequence, null);
                continue;
            }
            sequence.Text.MoveNext();
            sequence.Tokens.Add(sequence.Text.Current);
            sequence.Generated++;
            RegisterFullBlocks(sequence);
            var done = sequence.Generated >= sequence.TargetTokens;
            var finish = !done ? (FinishReason?)null
                : sequence.Generated >= sequence.Request.Stop.MaxTokens || sequence.Tokens.Count >= _options.MaxContextLength ? FinishReason.Length : FinishReason.Stop;
            var usage = new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens);
            sequence.Output.Writer.TryWrite(new EngineOutput([sequence.Text.Current], finish, usage));
            if (done)
                Finish(sequence, finish);
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

    private void Finish(MockSequence sequence, FinishReason? reason)
    {
        _running.Remove(sequence);
        // Private (partial) blocks go back now; full ones may stay held for an open session.
        _cache.Release([], sequence.PrivateBlocks, sequence.Request.Priority);
        foreach (var blocks in _sessions.Finished(sequence.Request.Metadata, sequence.Blocks, sequence.Blocks.Count * _options.KvBlockSize))
            _cache.Release(blocks, 0, sequence.Request.Priority);
        if (reason is null)
            sequence.Output.Writer.TryComplete(new OperationCanceledException());
        else
            sequence.Output.Writer.TryComplete();
    }

    private void PublishLoad()
    {
        var queued = _waiting.Sum(s => (long)s.Tokens.Count);
        lock (_loadLock)
            _load = new EngineLoad(_running.Count, _waiting.Count + _incoming.Count, _cache.ActiveBlocks, queued, _sessions.HeldTokens);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
