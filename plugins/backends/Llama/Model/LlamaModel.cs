using System.Numerics.Tensors;
using System.Text.Json;
using Dynamo.Backends.Llama.Gguf;
using K = Dynamo.Backends.Llama.Kernels.CpuKernels;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// A Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) on the CPU kernels. One forward pass
/// takes a batch of tokens from any number of sequences (prefill chunks and decode steps mixed):
/// the projections run as one matrix product over the batch, attention per token.
/// </summary>
internal sealed class LlamaModel
{
    private readonly float[] _inverseFrequencies;
    private BatchScratch? _single;

    public LlamaConfig Config { get; }

    public LlamaWeights Weights { get; }

    public LlamaModel(LlamaConfig config, LlamaWeights weights)
    {
        (Config, Weights) = (config, weights);
        _inverseFrequencies = K.RopeInverseFrequencies(config.RopeDim, config.RopeBase);
    }

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

    /// <summary>A sequence with a pool of its own (no sharing): for callers that run one sequence without an engine.</summary>
    public SequenceState NewSequence(int maxPositions)
    {
        const int blockSize = 16;
        maxPositions = Math.Min(maxPositions, Config.ContextLength);
        var blocks = (maxPositions + blockSize - 1) / blockSize;
        var sequence = new SequenceState(new KvBlockPool(Config, blockSize, blocks), maxPositions, Config.VocabSize);
        sequence.Pool.TryAllocate([], 0, blocks, sequence.Blocks);
        return sequence;
    }

    public BatchScratch NewScratch(int maxTokens, int maxLogits) => new(Config, maxTokens, maxLogits, Config.ContextLength);

    /// <summary>Runs one token of one sequence at its next position; its logits land in <see cref="SequenceState.Logits"/>.</summary>
    public void Forward(SequenceState sequence, int token) =>
        Forward([new BatchItem(sequence, token, sequence.Length, WantLogits: true)], _single ??= NewScratch(1, 1));

    /// <summary>
    /// Runs a batch. Tokens of one sequence must come in position order, continuing where the
    /// sequence ends; each sequence's length advances past its last token.
    /// </summary>
    public void Forward(ReadOnlySpan<BatchItem> items, BatchScratch s)
    {
        var c = Config;
        var n = items.Length;
        if (n > s.MaxTokens)
            throw new ArgumentException($"The batch has {n} tokens; the scratch holds {s.MaxTokens}.");
        for (var t = 0; t < n; t++)
        {
            var item = items[t];
            if ((uint)item.Token >= (uint)c.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(items), item.Token, $"Token ids must be below the vocabulary size {c.VocabSize}.");
            if (item.Position >= item.Sequence.MaxPositions)
                throw new InvalidOperationException($"The sequence is full ({item.Sequence.MaxPositions} positions).");
            var embedding = s.X.AsSpan(t * c.Dim, c.Dim);
            Weights.Embedding.Row(item.Token, embedding).CopyTo(embedding);
        }
        var parallelAttention = ParallelAttention(items, s);
        for (var l = 0; l < c.Layers; l++)
        {
            var w = Weights.Layers[l];
            NormRows(s.X, w.AttnNorm, s.Normed, n);
            K.MatMul(w.Wq, s.Normed, s.Q, n, w.Bq);
            K.MatMul(w.Wk, s.Normed, s.K, n, w.Bk);
            K.MatMul(w.Wv, s.Normed, s.V, n, w.Bv);
            for (var t = 0; t < n; t++)
                StoreKeyValue(items[t], l, s.Q.AsSpan(t * c.QDim, c.QDim), s.K.AsSpan(t * c.KvDim, c.KvDim), s.V.AsSpan(t * c.KvDim, c.KvDim), w);
            AttendAll(items, l, s, parallelAttention);
            K.MatMul(w.Wo, s.Attention, s.Projected, n);
            TensorPrimitives.Add(s.X.AsSpan(0, n * c.Dim), s.Projected.AsSpan(0, n * c.Dim), s.X.AsSpan(0, n * c.Dim));

            NormRows(s.X, w.FfnNorm, s.Normed, n);
            K.MatMul(w.WGate, s.Normed, s.Gate, n);
            K.MatMul(w.WUp, s.Normed, s.Up, n);
            K.SwiGlu(s.Gate.AsSpan(0, n * c.FfnDim), s.Up.AsSpan(0, n * c.FfnDim));
            K.MatMul(w.WDown, s.Gate, s.Projected, n);
            TensorPrimitives.Add(s.X.AsSpan(0, n * c.Dim), s.Projected.AsSpan(0, n * c.Dim), s.X.AsSpan(0, n * c.Dim));
        }
        for (var t = 0; t < n; t++)
            items[t].Sequence.Length = Math.Max(items[t].Sequence.Length, items[t].Position + 1);
        ComputeLogits(items, s);
    }

    private void NormRows(float[] x, float[] weight, float[] y, int rows)
    {
        var d = Config.Dim;
        for (var t = 0; t < rows; t++)
            K.RmsNorm(x.AsSpan(t * d, d), weight, Config.RmsEps, y.AsSpan(t * d, d));
    }

    private void StoreKeyValue(BatchItem item, int layer, Span<float> q, Span<float> k, ReadOnlySpan<float> v, LayerWeights w)
    {
        var c = Config;
        if (w.QNorm is not null)
        {
            NormHeads(q, c.Heads, w.QNorm);
            NormHeads(k, c.KvHeads, w.KNorm!);
        }
        var halfSplit = c.Rope == RopeStyle.HalfSplit;
        K.Rope(q, c.Heads, c.HeadDim, _inverseFrequencies, item.Position, halfSplit);
        K.Rope(k, c.KvHeads, c.HeadDim, _inverseFrequencies, item.Position, halfSplit);
        var at = item.Sequence.Offset(layer, item.Position);
        k.CopyTo(item.Sequence.Pool.Keys.AsSpan(at, c.KvDim));
        v.CopyTo(item.Sequence.Pool.Values.AsSpan(at, c.KvDim));
    }

    /// <summary>Attention for every token of the batch; tokens are independent once their K and V are stored, so long batches split across cores.</summary>
    private void AttendAll(ReadOnlySpan<BatchItem> items, int layer, BatchScratch s, bool parallel)
    {
        var c = Config;
        if (!parallel)
        {
            for (var t = 0; t < items.Length; t++)
                Attend(items[t], layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.AsSpan(t * c.QDim, c.QDim), s.Scores);
            return;
        }
        Parallel.For(0, items.Length, t =>
            Attend(s.Items[t], layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.AsSpan(t * c.QDim, c.QDim), s.WorkerScores.Value!));
    }

    /// <summary>Whether a batch's attention is worth splitting across cores (then its items are copied where worker threads can read them).</summary>
    private bool ParallelAttention(ReadOnlySpan<BatchItem> items, BatchScratch s)
    {
        long work = 0;
        foreach (var item in items)
            work += item.Position + 1;
        if (items.Length == 1 || work * Config.QDim < 1 << 18)
            return false;
        items.CopyTo(s.Items);
        return true;
    }

    /// <summary>Causal attention of one token over its sequence's cache (positions up to its own); grouped-query heads share K and V.</summary>
    private void Attend(BatchItem item, int layer, ReadOnlySpan<float> q, Span<float> output, float[] scoreBuffer)
    {
        var c = Config;
        var scale = 1f / MathF.Sqrt(c.HeadDim);
        var group = c.Heads / c.KvHeads;
        var cache = item.Sequence;
        var scores = scoreBuffer.AsSpan(0, item.Position + 1);
        for (var h = 0; h < c.Heads; h++)
        {
            var qh = q.Slice(h * c.HeadDim, c.HeadDim);
            var kvOffset = h / group * c.HeadDim;
            for (var p = 0; p <= item.Position; p++)
                scores[p] = TensorPrimitives.Dot(qh, cache.Pool.Keys.AsSpan(cache.Offset(layer, p) + kvOffset, c.HeadDim)) * scale;
            K.Softmax(scores);
            var oh = output.Slice(h * c.HeadDim, c.HeadDim);
            oh.Clear();
            for (var p = 0; p <= item.Position; p++)
                TensorPrimitives.MultiplyAdd(cache.Pool.Values.AsSpan(cache.Offset(layer, p) + kvOffset, c.HeadDim), scores[p], oh, oh);
        }
    }

    private void ComputeLogits(ReadOnlySpan<BatchItem> items, BatchScratch s)
    {
        var c = Config;
        var wanted = 0;
        for (var t = 0; t < items.Length; t++)
            if (items[t].WantLogits)
            {
                if (wanted == s.MaxLogits)
                    throw new ArgumentException($"The batch wants more than {s.MaxLogits} logits.");
                K.RmsNorm(s.X.AsSpan(t * c.Dim, c.Dim), Weights.OutputNorm, c.RmsEps, s.LogitsIn.AsSpan(wanted++ * c.Dim, c.Dim));
            }
        if (wanted == 0)
            return;
        K.MatMul(Weights.Output, s.LogitsIn, s.Logits, wanted);
        var next = 0;
        foreach (var item in items)
            if (item.WantLogits)
                s.Logits.AsSpan(next++ * c.VocabSize, c.VocabSize).CopyTo(item.Sequence.Logits);
    }

    private void NormHeads(Span<float> vectors, int heads, float[] weight)
    {
        for (var h = 0; h < heads; h++)
        {
            var head = vectors.Slice(h * Config.HeadDim, Config.HeadDim);
            K.RmsNorm(head, weight, Config.RmsEps, head);
        }
    }
}
