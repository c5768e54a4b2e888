using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Llama.Engine;

/// <summary>Options of the <c>llama</c> engine (the model's Engine section).</summary>
internal sealed record LlamaEngineOptions
{
    /// <summary>The GGUF file; defaults to the model's <c>Path</c>.</summary>
    public string? Path { get; init; }

    /// <summary>
    /// Serve random weights (a small Llama of fixed shape, the same for a given seed) with the
    /// tokenizer of <see cref="Path"/>, which may then be a vocab-only GGUF. Its output is noise:
    /// it is for trying the server where no trained model is at hand.
    /// </summary>
    public bool RandomWeights { get; init; }

    /// <summary>
    /// Where the forward pass runs: <c>auto</c> (the first CUDA GPU where there is one, else the
    /// CPU), <c>cpu</c>, <c>cuda</c> (an error without a GPU), or <c>ilgpu-cpu</c> (the GPU kernels
    /// on ILGPU's CPU emulator: for checking them, never for speed).
    /// </summary>
    public string Device { get; init; } = "auto";

    public int MaxBatchSize { get; init; } = 16;

    /// <summary>KV cache capacity in tokens (KvCapacityTokens / KvBlockSize blocks), shared by running sequences and cached prefixes.</summary>
    public int KvCapacityTokens { get; init; } = 65_536;

    public int KvBlockSize { get; init; } = 16;

    /// <summary>Most prompt tokens prefilled in one scheduler step, so decoding sequences are not starved by a long prompt.</summary>
    public int PrefillChunkTokens { get; init; } = 256;

    /// <summary>Caps the model's own context length.</summary>
    public int? MaxContextLength { get; init; }

    public static LlamaEngineOptions From(IConfiguration configuration, string? modelPath)
    {
        var options = configuration.Get<LlamaEngineOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new LlamaEngineOptions();
        options = options with { Path = options.Path ?? modelPath };
        if (string.IsNullOrWhiteSpace(options.Path))
            throw new ArgumentException("The llama engine needs a GGUF file: set the model's 'Path' (or the Engine's 'Path').");
        if (options.MaxBatchSize < 1 || options.KvCapacityTokens < 1 || options.KvBlockSize < 1 || options.PrefillChunkTokens < 1)
            throw new ArgumentException("MaxBatchSize, KvCapacityTokens, KvBlockSize and PrefillChunkTokens must be positive.");
        return options;
    }
}
