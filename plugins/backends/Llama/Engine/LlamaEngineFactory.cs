using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Gpu;
using Dynamo.Backends.Llama.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.Backends.Llama.Engine;

internal sealed class LlamaEngineFactory : IComponentFactory<IEngine>
{
    public string Name => "llama";

    public IEngine Create(ComponentContext context)
    {
        var options = LlamaEngineOptions.From(context.Options, context.ModelPath);
        var path = System.IO.Path.GetFullPath(options.Path!);
        var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger<LlamaEngineFactory>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        // A progress line every quarter for files big enough to keep someone waiting.
        var size = File.Exists(path) ? new FileInfo(path).Length : Directory.Exists(path) ? Directory.GetFiles(path).Sum(f => new FileInfo(f).Length) : 0;
        var reported = 0;
        void Progress(double fraction)
        {
            if (size < 200_000_000 || (int)(fraction * 4) <= reported)
                return;
            reported = (int)(fraction * 4);
            logger?.LogInformation("Loading {Path}: {Percent:F0}% ({Seconds:F1} s)", path, fraction * 100, started.Elapsed.TotalSeconds);
        }
        var model = options.RandomWeights ? RandomModel(path) : LlamaModel.Load(path, Progress);
        UseDevice(model, options.Device);
        var c = model.Config;
        logger?.LogInformation("Loaded {Path}{Random} for {Worker}: {Arch}, {Layers} layers, dim {Dim}, {Heads}/{KvHeads} heads, vocab {Vocab}, context {Context}, on {Device} (Device: {Asked}), in {Ms:F0} ms",
            path, options.RandomWeights ? " (its tokenizer, random weights: output is noise)" : "", context.WorkerId, c.Architecture, c.Layers, c.Dim, c.Heads, c.KvHeads, c.VocabSize, c.ContextLength,
            model.ForwardPass.Device, options.Device, started.Elapsed.TotalMilliseconds);
        return new LlamaEngine(model, options, ownsModel: true, context.KvTiers) { Grammar = context.Grammar, Tokenizer = context.Tokenizer };
    }

    /// <summary>Moves the forward pass to the GPU that <paramref name="device"/> selects, if any.</summary>
    internal static void UseDevice(LlamaModel model, string device)
    {
        var gpu = GpuDevice.Open(device);
        if (gpu is null)
            return;
        try
        {
            model.UseDevice(new GpuForwardPass(model.Config, model.Weights, gpu));
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    private static readonly ModelGenerator.Shape RandomShape = new(Dim: 64, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 16, Ffn: 128, Vocab: 0, Context: 1024);

    /// <summary>A small random Llama with the vocabulary file's tokenizer, written to a temporary GGUF and loaded like any other.</summary>
    private static LlamaModel RandomModel(string vocabularyPath)
    {
        var temporary = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dynamo-random-{Guid.NewGuid():N}.gguf");
        try
        {
            using (var vocabulary = GgufFile.Open(vocabularyPath))
                ModelGenerator.Write(temporary, "llama", RandomShape, GgmlType.F32, tied: true, seed: 1, vocabulary: vocabulary);
            return LlamaModel.Load(temporary);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
