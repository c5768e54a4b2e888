using System.Text.Json;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// A Llama-family decoder (Llama, Mistral, Qwen2, Qwen3). One forward pass takes a batch of
/// tokens from any number of sequences (prefill chunks and decode steps mixed) and runs on the
/// CPU kernels unless <see cref="UseDevice"/> moves it to a GPU.
/// </summary>
internal sealed class LlamaModel : IDisposable
{
    private ForwardScratch? _single;

    public LlamaConfig Config { get; }

    public LlamaWeights Weights { get; }

    /// <summary>Where the forward pass runs; KV storage and scratch come from it.</summary>
    public IForwardPass ForwardPass { get; private set; }

    public LlamaModel(LlamaConfig config, LlamaWeights weights)
    {
        (Config, Weights) = (config, weights);
        ForwardPass = new CpuForwardPass(config, weights);
    }

    /// <summary>Runs the forward pass on <paramref name="pass"/> from now on; call before any pool or scratch is made.</summary>
    public void UseDevice(IForwardPass pass)
    {
        ForwardPass.Dispose();
        ForwardPass = pass;
        _single = null;
    }

    public KvBlockPool NewPool(int blockSize, int blocks, Action<Dynamo.Abstractions.KvCache.KvCacheEvent>? publish = null) =>
        new(blockSize, blocks, ForwardPass.CreateKvStorage(blocks, blockSize), Config, publish);

    /// <summary>A GGUF file, or a Hugging Face folder (config.json and *.safetensors).</summary>
    public static LlamaModel Load(string path, Action<double>? progress = null)
    {
        if (Directory.Exists(path))
        {
            var configPath = System.IO.Path.Combine(path, "config.json");
            if (!File.Exists(configPath))
                throw new GgufFormatException(path, "a model folder needs config.json (and *.safetensors).");
            using var source = new SafetensorsTensorSource(path);
            using var json = JsonDocument.Parse(File.ReadAllText(configPath));
            var hf = LlamaConfig.FromHuggingFace(json.RootElement, configPath, source.Has("blk.0.attn_q.bias"), source.Has("blk.0.attn_q_norm.weight"));
            return new LlamaModel(hf, LlamaWeights.Load(source, hf, progress));
        }
        using var file = GgufFile.Open(path);
        return Load(file, progress);
    }

    public static LlamaModel Load(GgufFile file, Action<double>? progress = null)
    {
        var config = LlamaConfig.From(file);
        return new LlamaModel(config, LlamaWeights.Load(new GgufTensorSource(file), config, progress));
    }

    /// <summary>
    /// A sequence for callers that run sequences without an engine: its blocks come from
    /// <paramref name="pool"/> (sequences batched together must share one), or from a pool of its own.
    /// </summary>
    public SequenceState NewSequence(int maxPositions, KvBlockPool? pool = null)
    {
        maxPositions = Math.Min(maxPositions, Config.ContextLength);
        pool ??= NewPool(16, (maxPositions + 15) / 16);
        var blocks = (maxPositions + pool.BlockSize - 1) / pool.BlockSize;
        var sequence = new SequenceState(pool, maxPositions, Config.VocabSize);
        if (!pool.TryAllocate([], 0, blocks, sequence.Blocks))
            throw new InvalidOperationException($"The pool has no room for {blocks} more blocks.");
        return sequence;
    }

    public ForwardScratch NewScratch(int maxTokens, int maxLogits) => ForwardPass.NewScratch(maxTokens, maxLogits);

    /// <summary>Runs one token of one sequence at its next position; its logits land in <see cref="SequenceState.Logits"/>.</summary>
    public void Forward(SequenceState sequence, int token) =>
        Forward([new BatchItem(sequence, token, sequence.Length, WantLogits: true)], _single ??= NewScratch(1, 1));

    /// <summary>
    /// Runs a batch. Tokens of one sequence must come in position order, continuing where the
    /// sequence ends; each sequence's length advances past its last token.
    /// </summary>
    public void Forward(ReadOnlySpan<BatchItem> items, ForwardScratch scratch)
    {
        if (items.IsEmpty)
            return;
        if (items.Length > scratch.MaxTokens)
            throw new ArgumentException($"The batch has {items.Length} tokens; the scratch holds {scratch.MaxTokens}.");
        var wanted = 0;
        foreach (var item in items)
        {
            if ((uint)item.Token >= (uint)Config.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(items), item.Token, $"Token ids must be below the vocabulary size {Config.VocabSize}.");
            if (item.Position >= item.Sequence.MaxPositions)
                throw new InvalidOperationException($"The sequence is full ({item.Sequence.MaxPositions} positions).");
            if (item.WantLogits && ++wanted > scratch.MaxLogits)
                throw new ArgumentException($"The batch wants more than {scratch.MaxLogits} logits.");
        }
        ForwardPass.Forward(items, scratch);
        foreach (var item in items)
            item.Sequence.Length = Math.Max(item.Sequence.Length, item.Position + 1);
    }

    public void Dispose() => ForwardPass.Dispose();
}
