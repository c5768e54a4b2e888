using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
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
        var model = LlamaModel.Load(path);
        var c = model.Config;
        logger?.LogInformation("Loaded {Path} for {Worker}: {Arch}, {Layers} layers, dim {Dim}, {Heads}/{KvHeads} heads, vocab {Vocab}, context {Context}, CPU kernels, in {Ms:F0} ms",
            path, context.WorkerId, c.Architecture, c.Layers, c.Dim, c.Heads, c.KvHeads, c.VocabSize, c.ContextLength, started.Elapsed.TotalMilliseconds);
        return new LlamaEngine(model, options);
    }
}
