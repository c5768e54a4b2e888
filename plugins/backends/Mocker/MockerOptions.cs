using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Mocker;

/// <summary>Options of the <c>mocker</c> engine (the Engine section of a model). See README.md for the timing model.</summary>
internal sealed record MockerOptions
{
    /// <summary>Prefill speed: uncached prompt tokens per second.</summary>
    public double PrefillTokensPerSecond { get; init; } = 20_000;

    /// <summary>Time of one decode step (every running sequence gets one token), in milliseconds.</summary>
    public double DecodeItlMs { get; init; } = 10;

    /// <summary>Extra decode step time per running sequence beyond the first, in milliseconds.</summary>
    public double DecodeItlPerSequenceMs { get; init; }

    public int KvBlockSize { get; init; } = 16;

    public int KvCapacityBlocks { get; init; } = 16_384;

    public int MaxBatchSize { get; init; } = 256;

    public int MaxContextLength { get; init; } = 8192;

    /// <summary>Divides every simulated duration: 10 runs ten times faster than the model it mimics.</summary>
    public double Speedup { get; init; } = 1;

    /// <summary>How many tokens a request generates when neither max_tokens nor agent_hints.osl says less.</summary>
    public int OutputTokens { get; init; } = 48;

    /// <summary>
    /// Fixed answers instead of random words, chosen by how many tool results the conversation
    /// holds: entry 0 on the first turn, entry 1 after the first tool result, and so on (the last
    /// repeats). So a test can play a whole agent loop; generation stops after the answer.
    /// </summary>
    public List<string>? Script { get; init; }

    /// <summary>A single fixed answer for every turn: a one-entry <see cref="Script"/>.</summary>
    public string? OutputText { get; init; }

    /// <summary>
    /// How a tool result shows in the prompt, for <see cref="Script"/>: each occurrence counts one.
    /// The default is the built-in <c>plain</c> template's tool line.
    /// </summary>
    public string ToolResultMarker { get; init; } = "\ntool: ";

    /// <summary>Seed of the word choice when the request gives none.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Disaggregated serving: the bandwidth KV blocks move at between a prefill and a decode worker, in
    /// gigabits per second. A decode worker waits blocks × <see cref="KvBytesPerBlock"/> over it before it admits
    /// the request (the mocker's blocks carry no bytes; the time stands for them).
    /// </summary>
    public double KvTransferGbps { get; init; } = 25;

    /// <summary>The bytes one KV block of the model it mimics would hold (default: 16 tokens of a Llama-3-8B in fp16, 128 KiB each).</summary>
    public long KvBytesPerBlock { get; init; } = 16 * 131_072;

    public static MockerOptions From(IConfiguration configuration)
    {
        var options = configuration.Get<MockerOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new MockerOptions();
        Require(options.PrefillTokensPerSecond > 0, "PrefillTokensPerSecond must be positive");
        Require(options.DecodeItlMs >= 0 && options.DecodeItlPerSequenceMs >= 0, "DecodeItlMs and DecodeItlPerSequenceMs must be 0 or more");
        Require(options.KvBlockSize >= 1, "KvBlockSize must be at least 1");
        Require(options.MaxBatchSize >= 1, "MaxBatchSize must be at least 1");
        Require(options.Speedup > 0, "Speedup must be positive");
        Require(options.OutputTokens >= 1, "OutputTokens must be at least 1");
        Require(options.MaxContextLength >= 2, "MaxContextLength must be at least 2");
        Require(options.Script is null || options.OutputText is null, "Script and OutputText are two ways of saying the same thing: give one");
        Require(options.Script is null or { Count: > 0 }, "Script needs at least one answer");
        Require(options.ToolResultMarker.Length > 0, "ToolResultMarker must not be empty");
        Require(options.KvTransferGbps > 0 && options.KvBytesPerBlock >= 0, "KvTransferGbps must be positive and KvBytesPerBlock 0 or more");
        Require((long)options.KvCapacityBlocks * options.KvBlockSize >= options.MaxContextLength,
            "KvCapacityBlocks × KvBlockSize must hold at least one MaxContextLength sequence");
        return options;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new ArgumentException(message + ".");
    }

    /// <summary>The fixed answers, if any (<see cref="OutputText"/> as a one-entry script).</summary>
    public IReadOnlyList<string>? Answers => Script ?? (OutputText is null ? null : [OutputText]);
}
