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

    /// <summary>The model's grammar engine, for requests with structured output.</summary>
    public Abstractions.Constraints.IGrammarCompiler? Grammar { get; init; }

    /// <summary>The tokenizer the mocker writes in (grammars are compiled over it).</summary>
    public Abstractions.Preprocessing.ITokenizer? Tokenizer { get; init; }

    protected override async ValueTask<MockSequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken)
    {
        var hashes = KvBlockHasher.HashBlocks([.. request.TokenIds], _options.KvBlockSize);
        var imported = Imported(hashes, request.ImportKv);
        // The blocks' bytes would cross the wire first: their time, at the configured bandwidth (sped up like the rest).
        if (imported > 0)
            await Task.Delay(TimeSpan.FromSeconds(imported * _options.KvBytesPerBlock * 8 / (_options.KvTransferGbps * 1e9) / _options.Speedup), _clock, cancellationToken);
        if (request.TokenIds.Count + 1 > _options.MaxContextLength)
            throw new EngineException($"The prompt ({request.TokenIds.Count} tokens) does not fit the context of {_options.MaxContextLength} tokens.", isClientError: true);
        if (request.LogitBias is { Count: > 0 })
            throw new EngineException("The mocker samples no logits, so it cannot apply 'logit_bias'.", isClientError: true);
        var answer = _text.ScriptedAnswer(request.TokenIds);
        var seed = request.Sampling.Seed ?? _options.Seed;
        var vocabulary = Tokenizer?.VocabSize ?? 0;
        var decoding = ConstrainedDecoding.For(request, Grammar, Tokenizer, vocabulary);
        // A grammar decides where the answer ends (a script or word count only suggests it): room for up to max_tokens.
        var suggested = request.Stop.IgnoreEos || decoding.Matcher is not null ? request.Stop.MaxTokens
            : Math.Min(request.Stop.MaxTokens, answer?.Length ?? (request.Metadata.AgentHints?.Osl is > 0 and var osl ? osl : _options.OutputTokens));
        var target = Math.Min(Math.Max(suggested, request.Stop.MinTokens), _options.MaxContextLength - request.TokenIds.Count);
        if (decoding.Matcher is null)
            target = Math.Min(target, answer?.Length ?? int.MaxValue);
        return new MockSequence(request, target, _text.Start(answer, seed), _options.KvBlockSize)
        {
            Decoding = decoding,
            Chooser = decoding.Matcher is null ? null : new Random(Abstractions.Requests.SamplingParams.Fold(seed) + 1),
            ImportedBlocks = imported,
        };
    }

    // How many of the prompt's blocks from the start a transfer brought (the rest are prefilled here).
    private static int Imported(KvBlockHash[] hashes, IReadOnlyList<KvBlockPayload>? blocks)
    {
        if (blocks is not { Count: > 0 })
            return 0;
        var sent = blocks.Select(b => b.Hash.SequenceHash).ToHashSet();
        var count = 0;
        while (count < hashes.Length && sent.Contains(hashes[count].SequenceHash))
            count++;
        return count;
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
        // Transferred blocks are copied in, not computed: only the rest of the prompt costs prefill time.
        var copied = Math.Max(cached, Math.Min(sequence.ImportedBlocks, (prompt - 1) / blockSize));
        sequence.CachedTokens = copied * blockSize;
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
            var decoding = sequence.Decoding!;
            if (decoding.MustStop(sequence.Reasoning) || (decoding.MayStop(sequence.Generated, sequence.Reasoning)
                && (sequence.Generated >= sequence.TargetTokens || sequence.Chooser!.Next(8) == 0)))
            {
                Emit(sequence, Finishing(sequence, new EngineOutput([], FinishReason.Stop, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens))));
                continue;
            }
            // A spent reasoning budget writes the end marker instead of the next word.
            var (token, choices) = sequence.Reasoning?.Forced() is { } forced ? (forced, 1) : Choose(sequence);
            decoding.Observe(token, sequence.Reasoning);
            sequence.Tokens.Add(token);
            sequence.Generated++;
            RegisterFullBlocks(sequence);
            var done = sequence.Generated >= sequence.TargetTokens && !decoding.GrammarApplies(sequence.Reasoning);
            var finish = sequence.Generated >= sequence.Request.Stop.MaxTokens || sequence.Tokens.Count >= _options.MaxContextLength ? FinishReason.Length
                : done ? FinishReason.Stop : (FinishReason?)null;
            Emit(sequence, Finishing(sequence, new EngineOutput([token], finish, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens),
                sequence.Request.Logprobs is { } asked ? [Uniform(token, choices, asked.Top)] : null)));
        }
    }

    // A disaggregated prefill hands on the prompt's full blocks: hashes and tokens, no bytes (the decode side's wait stands for them).
    private EngineOutput Finishing(MockSequence sequence, EngineOutput output)
    {
        if (output.FinishReason is null || !sequence.Request.ExportKv)
            return output;
        var blockSize = _options.KvBlockSize;
        var hashes = sequence.PromptHashes;
        return output with
        {
            ExportedKv = [.. hashes.Select((h, b) => new KvBlockPayload(h, b > 0 ? hashes[b - 1].SequenceHash : null,
                sequence.Request.TokenIds.Skip(b * blockSize).Take(blockSize).ToArray(), ReadOnlyMemory<byte>.Empty, sequence.Request.Priority))],
        };
    }

    private static int NextWord(MockSequence sequence) => sequence.Text.MoveNext() ? sequence.Text.Current : -1;

    /// <summary>
    /// The next word's token; under a grammar, the word's token if the grammar allows it, else one of the allowed
    /// tokens at random (closing what is open as the target nears). Also how many tokens it was chosen among.
    /// </summary>
    private (int Token, int Choices) Choose(MockSequence sequence)
    {
        var word = NextWord(sequence);
        var decoding = sequence.Decoding!;
        if (!decoding.GrammarApplies(sequence.Reasoning))
            return (word, Tokenizer?.VocabSize ?? 1);
        var mask = decoding.GrammarMask(Math.Max(1, sequence.TargetTokens - sequence.Generated));
        var allowed = 0;
        foreach (var w in mask)
            allowed += System.Numerics.BitOperations.PopCount(w);
        // A scripted answer that strays from the grammar (a leading space the grammar has no room for) is followed where it can be.
        for (var skipped = 0; skipped < 4 && word >= 0 && !Allowed(word); skipped++)
            word = NextWord(sequence);
        if (word >= 0 && Allowed(word))
            return (word, allowed);
        if (allowed == 0)
            return (word < 0 ? 0 : word, 1);

        bool Allowed(int token) => (uint)token < (uint)mask.Length * 64 && (mask[token >> 6] >> (token & 63) & 1) != 0;
        var pick = sequence.Chooser!.Next(allowed);
        for (var i = 0; i < mask.Length; i++)
        {
            var count = System.Numerics.BitOperations.PopCount(mask[i]);
            if (pick >= count)
            {
                pick -= count;
                continue;
            }
            var bits = mask[i];
            for (; pick > 0; pick--)
                bits &= bits - 1;
            return (i * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits), allowed);
        }
        return (0, allowed);
    }

    /// <summary>The mocker picks uniformly among <paramref name="choices"/> tokens: that is its distribution.</summary>
    private static TokenLogprob Uniform(int token, int choices, int top)
    {
        var logprob = -MathF.Log(Math.Max(1, choices));
        return new TokenLogprob(token, logprob, [.. Enumerable.Range(0, Math.Min(top, 1)).Select(_ => new TokenLogprob.Alternative(token, logprob))]);
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

    // Queued prefill is what waiting requests will really prefill (their prompt less the prefix cached now),
    // plus what the admitted ones prefill in the step about to run.
    protected override EngineLoad MeasureLoad(int running, int waiting) =>
        new(running, waiting, _cache.ActiveBlocks, Waiting.Sum(s => (long)s.Tokens.Count - CachedPrefixTokens(s)) + _prefillTokens, _sessions.HeldTokens);

    private int CachedPrefixTokens(MockSequence sequence) =>
        Math.Min(_cache.MatchPrefix(sequence.PromptHashes), (sequence.Tokens.Count - 1) / _options.KvBlockSize) * _options.KvBlockSize;
}
