using System.Runtime.InteropServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.KvCache;
using Dynamo.Backends.Llama.Kernels;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Engine;

/// <summary>
/// Serves a <see cref="LlamaModel"/> with iteration-level continuous batching: each scheduler step
/// prefills a chunk of the waiting prompts and decodes one token for every running sequence, so
/// new requests join without waiting for the batch to drain. Each sequence reserves its KV
/// positions when admitted and frees them the moment it ends or is cancelled.
/// </summary>
internal sealed class LlamaEngine : EngineScheduler<LlamaSequence>
{
    private readonly LlamaModel _model;
    private readonly LlamaEngineOptions _options;
    private readonly bool _ownsModel;
    private readonly ForwardScratch _scratch;
    private readonly BatchItem[] _items;
    private readonly List<LlamaSequence> _sampling = [];
    private readonly List<(int Item, LlamaSequence Sequence)> _masked = [];
    private readonly Action<int> _addMask;
    private readonly KvBlockPool _pool;
    private readonly KvOffloadChain? _offload;
    private long _onboarded;
    private readonly KvSessionHolds<List<int>> _sessions = new(TimeProvider.System);

    /// <param name="ownsModel">Whether disposing the engine disposes the model (and its device memory).</param>
    /// <param name="tiers">Offload tiers behind the device cache, in order; the engine owns them.</param>
    public LlamaEngine(LlamaModel model, LlamaEngineOptions options, bool ownsModel = false, IReadOnlyList<IKvOffloadTier>? tiers = null)
    {
        (_model, _options, _ownsModel) = (model, options, ownsModel);
        var context = Math.Min(model.Config.ContextLength, options.MaxContextLength ?? int.MaxValue);
        var blocks = options.KvCapacityTokens / options.KvBlockSize;
        Descriptor = new EngineDescriptor(options.KvBlockSize, blocks, Math.Min(context, blocks * options.KvBlockSize), options.MaxBatchSize);
        _pool = model.NewPool(options.KvBlockSize, blocks, PublishKvEvent);
        if (tiers is { Count: > 0 })
        {
            _offload = new KvOffloadChain(tiers);
            _pool.Evicted = _offload.Offload;
            foreach (var tier in tiers)
                tier.KvEventPublished += PublishKvEvent;
        }
        _scratch = model.NewScratch(options.PrefillChunkTokens + options.MaxBatchSize, options.MaxBatchSize);
        _items = new BatchItem[options.PrefillChunkTokens + options.MaxBatchSize];
        _addMask = AddMask;
        StartLoop(longRunning: true);
    }

    public override EngineDescriptor Descriptor { get; }

    protected override string EngineName => "The llama engine";

    /// <summary>The model's grammar engine, for requests with structured output; null when none is installed.</summary>
    public Abstractions.Constraints.IGrammarCompiler? Grammar { get; init; }

    /// <summary>The tokenizer grammars are compiled over (the model's).</summary>
    public Abstractions.Preprocessing.ITokenizer? Tokenizer { get; init; }

    protected override async ValueTask<LlamaSequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken)
    {
        var prompt = request.TokenIds.Count;
        if (prompt == 0 || prompt >= Descriptor.MaxContextLength)
            throw new EngineException($"The prompt has {prompt} tokens; this model takes 1 to {Descriptor.MaxContextLength - 1}.", isClientError: true);
        if (request.TokenIds.Any(t => (uint)t >= (uint)_model.Config.VocabSize))
            throw new EngineException($"Token ids must be below the vocabulary size {_model.Config.VocabSize}.", isClientError: true);
        var reserved = Math.Min(prompt + request.Stop.MaxTokens, Descriptor.MaxContextLength);
        // The grammar is compiled here, off the scheduler thread (the model's cache makes it once per grammar).
        var sequence = new LlamaSequence(request, reserved, _options.KvBlockSize)
        {
            Decoding = ConstrainedDecoding.For(request, Grammar, Tokenizer, _model.Config.VocabSize),
        };
        var usable = (prompt - 1) / _options.KvBlockSize;
        if (request.ImportKv is { Count: > 0 } imported)
            sequence.Offloaded = Imported(sequence.PromptHashes, imported, usable);
        else if (_offload is not null)
            sequence.Offloaded = await FetchOffloadedAsync(sequence.PromptHashes, usable, cancellationToken);
        return sequence;
    }

    /// <summary>
    /// Blocks another worker prefilled for this prompt (disaggregated decode), by position: the run of the
    /// prompt's blocks from the start that the transfer brought. Blocks of another shape (another model) are
    /// not used, so they are prefilled here instead.
    /// </summary>
    private KvBlockPayload?[]? Imported(KvBlockHash[] hashes, IReadOnlyList<KvBlockPayload> blocks, int usable)
    {
        var byHash = new Dictionary<ulong, KvBlockPayload>();
        foreach (var block in blocks)
            if (block.Data.Length == _pool.BlockBytes)
                byHash.TryAdd(block.Hash.SequenceHash, block);
        var found = new KvBlockPayload?[hashes.Length];
        var any = false;
        for (var b = 0; b < Math.Min(usable, hashes.Length) && byHash.TryGetValue(hashes[b].SequenceHash, out var block); b++)
            (found[b], any) = (block, true);
        return any ? found : null;
    }

    /// <summary>A finishing output, with the prompt's full blocks copied out when the request is a disaggregated prefill.</summary>
    private EngineOutput Finishing(LlamaSequence sequence, EngineOutput output)
    {
        if (output.FinishReason is null || !sequence.Request.ExportKv || sequence.State is null)
            return output;
        var full = Math.Min(sequence.Request.TokenIds.Count / _options.KvBlockSize, Math.Min(sequence.PromptHashes.Length, sequence.StoredBlocks.Count));
        var blocks = new List<KvBlockPayload>(full);
        for (var b = 0; b < full; b++)
            blocks.Add(new KvBlockPayload(sequence.PromptHashes[b], b > 0 ? sequence.PromptHashes[b - 1].SequenceHash : null,
                sequence.Tokens.GetRange(b * _options.KvBlockSize, _options.KvBlockSize), _pool.ReadBlock(sequence.State.Blocks[b]), sequence.Request.Priority));
        return output with { ExportedKv = blocks };
    }

    /// <summary>Offloaded blocks engine admission can use, fetched off the scheduler thread: from the first the tiers hold to the first gap after it.</summary>
    private async Task<KvBlockPayload?[]?> FetchOffloadedAsync(KvBlockHash[] hashes, int usable, CancellationToken cancellationToken)
    {
        KvBlockPayload?[]? found = null;
        for (var b = 0; b < Math.Min(usable, hashes.Length); b++)
        {
            // Blocks before the first hit may still be on the device; after it, a gap ends the run.
            var block = await _offload!.FetchAsync(hashes[b].SequenceHash, cancellationToken);
            if (block is null && found is not null)
                break;
            if (block is not null)
                (found ??= new KvBlockPayload?[hashes.Length])[b] = block;
        }
        return found;
    }

    /// <summary>Blocks copied back from the offload tiers instead of recomputed.</summary>
    internal long OnboardedBlocks => Interlocked.Read(ref _onboarded);

    internal KvOffloadChain? Offload => _offload;

    protected override void BeforeAdmit()
    {
        foreach (var lapsed in _sessions.Expire())
            _pool.Release(lapsed);
    }

    /// <summary>
    /// Admits a sequence while KV blocks last. Its table starts with the cached blocks of its prompt's
    /// longest cached prefix (the last prompt token is always computed, for its logits) and reserves
    /// fresh blocks for the rest.
    /// </summary>
    protected override bool TryAdmit(LlamaSequence sequence)
    {
        var blockSize = _options.KvBlockSize;
        var state = new SequenceState(_pool, sequence.ReservedTokens, _model.Config.VocabSize);
        var usable = (sequence.Request.TokenIds.Count - 1) / blockSize;
        var cached = Math.Min(_pool.Match(sequence.PromptHashes), usable);
        // The offload tiers continue the device's prefix: those blocks are copied in, not prefilled.
        var onboard = 0;
        while (sequence.Offloaded is { } offloaded && cached + onboard < usable && offloaded[cached + onboard] is not null)
            onboard++;
        var needed = (sequence.ReservedTokens + blockSize - 1) / blockSize;
        if (!_pool.TryAllocate(sequence.PromptHashes, cached, needed - cached, state.Blocks))
            return false;
        for (var b = cached; b < cached + onboard; b++)
            _pool.Onboard(state.Blocks[b], sequence.Offloaded![b]!);
        Interlocked.Add(ref _onboarded, onboard);
        if (onboard > 0)
            KvOffloadChain.RecordMatched(onboard * blockSize);
        sequence.Offloaded = null;
        sequence.State = state;
        sequence.StoredBlocks.AddRange(sequence.PromptHashes.Take(cached + onboard).Select(h => h.SequenceHash));
        sequence.CachedTokens = sequence.Prefilled = state.Length = (cached + onboard) * blockSize;
        sequence.Sampler = new Sampler(sequence.Request.Sampling, _model.Config.VocabSize, sequence.Request.TokenIds);
        return true;
    }

    /// <summary>
    /// One iteration, one forward batch: a budget of prompt tokens for sequences still prefilling
    /// (chunked prefill) and one token for each decoding sequence.
    /// </summary>
    protected override ValueTask StepAsync(CancellationToken stopping)
    {
        Step();
        return ValueTask.CompletedTask;
    }

    private void Step()
    {
        var count = 0;
        _sampling.Clear();
        _masked.Clear();
        var prefillBudget = _options.PrefillChunkTokens;
        foreach (var sequence in Running)
        {
            var state = sequence.State!;
            var prompt = sequence.Request.TokenIds;
            if (sequence.Prefilled < prompt.Count)
            {
                while (prefillBudget > 0 && sequence.Prefilled < prompt.Count)
                {
                    var position = sequence.Prefilled;
                    var last = ++sequence.Prefilled == prompt.Count;
                    _items[count++] = new BatchItem(state, prompt[position], position, WantLogits: last);
                    if (last)
                        WillSample(sequence, count - 1);
                    prefillBudget--;
                }
            }
            else
            {
                _items[count++] = new BatchItem(state, sequence.LastToken, state.Length, WantLogits: true);
                WillSample(sequence, count - 1);
            }
        }
        if (count == 0)
            return;
        AddMasks();
        _model.Forward(_items.AsSpan(0, count), _scratch);
        foreach (var sequence in Running)
            CacheFullBlocks(sequence);
        foreach (var sequence in _sampling)
            Sample(sequence);
    }

    /// <summary>The sequence samples after this step from item <paramref name="item"/>'s logits.</summary>
    private void WillSample(LlamaSequence sequence, int item)
    {
        _sampling.Add(sequence);
        if (sequence.Decoding!.MasksEarly)
            _masked.Add((item, sequence));
    }

    /// <summary>
    /// The grammars' masks for the logits this step computes, made before the forward pass so the pass applies them
    /// where the logits are (on a GPU, before they come back); sequences' masks are independent, so several are made
    /// in parallel. A sequence that wants raw log probabilities is masked on the host, after they are read.
    /// </summary>
    private void AddMasks()
    {
        if (_masked.Count == 1)
            AddMask(0);
        else if (_masked.Count > 1)
            Parallel.For(0, _masked.Count, _addMask);
    }

    private void AddMask(int j)
    {
        var (item, sequence) = _masked[j];
        // Null inside reasoning, where the grammar waits: those logits stay whole.
        _items[item] = _items[item] with { Mask = sequence.Decoding!.NextMask(sequence.Generated, sequence.Reasoning) };
    }

    /// <summary>
    /// Picks a sequence's next token: the reasoning budget's forced marker, else a sample of its logits after
    /// the grammar's mask, logit bias and min_tokens; a finished grammar ends the sequence instead.
    /// </summary>
    private void Sample(LlamaSequence sequence)
    {
        var decoding = sequence.Decoding!;
        var reasoning = sequence.Reasoning;
        TokenLogprob? logprob = null;
        int token;
        if (reasoning?.Forced() is { } forced)
        {
            token = forced;
        }
        else
        {
            if (decoding.MustStop(reasoning))
            {
                EndWithoutToken(sequence, FinishReason.Stop);
                return;
            }
            var logits = sequence.State!.Logits;
            if (decoding.Active)
            {
                decoding.Apply(logits, sequence.Generated, reasoning, masked: decoding.MasksEarly);
                if (!decoding.AnyAllowed(logits))
                {
                    // The grammar has no way on (a vocabulary without some byte it needs): stop rather than break it.
                    EndWithoutToken(sequence, FinishReason.Stop);
                    return;
                }
            }
            token = sequence.Sampler!.Next(logits);
            logprob = decoding.Logprob(token, logits, sequence.Request.Sampling.Temperature);
        }
        decoding.Observe(token, reasoning);
        Emit(sequence, token, logprob);
    }

    /// <summary>Ends a sequence without a new token.</summary>
    private void EndWithoutToken(LlamaSequence sequence, FinishReason reason) =>
        Emit(sequence, Finishing(sequence, new EngineOutput([], reason, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens))));

    /// <summary>Registers the blocks the last step filled, so later requests can share them.</summary>
    private void CacheFullBlocks(LlamaSequence sequence)
    {
        var blockSize = _options.KvBlockSize;
        for (var b = sequence.StoredBlocks.Count; b < sequence.State!.Length / blockSize; b++)
        {
            ulong? parent = b > 0 ? sequence.StoredBlocks[b - 1] : null;
            var hash = b < sequence.PromptHashes.Length ? sequence.PromptHashes[b]
                : KvBlockHasher.HashBlocks(CollectionsMarshal.AsSpan(sequence.Tokens).Slice(b * blockSize, blockSize), blockSize, parent)[0];
            _pool.Register(sequence.State.Blocks[b], hash, parent, _offload is null ? null : sequence.Tokens.GetRange(b * blockSize, blockSize).ToArray());
            sequence.StoredBlocks.Add(hash.SequenceHash);
        }
    }

    private void Emit(LlamaSequence sequence, int token, TokenLogprob? logprob)
    {
        var stop = sequence.Request.Stop;
        sequence.Generated++;
        sequence.LastToken = token;
        sequence.Tokens.Add(token);
        var isStopToken = !stop.IgnoreEos && stop.StopTokenIds.Contains(token);
        FinishReason? finish = isStopToken ? FinishReason.Stop
            : sequence.Generated >= stop.MaxTokens || sequence.State!.Length >= sequence.State.MaxPositions ? FinishReason.Length
            : null;
        Emit(sequence, Finishing(sequence, new EngineOutput(isStopToken ? [] : [token], finish, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, sequence.CachedTokens),
            logprob is not null && !isStopToken ? [logprob] : null)));
    }

    /// <summary>The table may stay held for an open session; what the session held before is let go.</summary>
    protected override void Release(LlamaSequence sequence)
    {
        List<int> table = [.. sequence.State!.Blocks];
        sequence.State.Blocks.Clear();
        foreach (var blocks in _sessions.Finished(sequence.Request.Metadata, table, sequence.State.Length))
            _pool.Release(blocks, sequence.Request.Priority);
        sequence.State = null;
    }

    protected override EngineLoad MeasureLoad(int running, int waiting) => new(running, waiting, _pool.ActiveBlocks,
        Waiting.Sum(s => (long)s.Request.TokenIds.Count) + Running.Sum(s => (long)(s.Request.TokenIds.Count - s.Prefilled)), _sessions.HeldTokens);

    protected override async ValueTask DisposeCoreAsync()
    {
        if (_offload is not null)
            await _offload.DisposeAsync();
        if (_ownsModel)
            _model.Dispose();
    }
}
