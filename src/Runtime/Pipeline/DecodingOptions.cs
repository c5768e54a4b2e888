using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>What every generating request may ask of decoding beyond sampling: structure, log probabilities, several choices, biases.</summary>
public sealed record DecodingOptions
{
    public static readonly DecodingOptions Default = new();

    /// <summary>What the answer must match (<c>response_format</c>, <c>structured_outputs</c>, <c>text.format</c>); null: anything.</summary>
    public GrammarSpec? Structured { get; init; }

    /// <summary>How the request named <see cref="Structured"/>, for errors.</summary>
    public string StructuredField { get; init; } = "response_format";

    /// <summary>As the token budget nears its end, close what the grammar has open, so the output is complete.</summary>
    public bool CloseOnBudget { get; init; }

    /// <summary>Log probabilities to report with each token.</summary>
    public LogprobsRequest? Logprobs { get; init; }

    /// <summary>Added to tokens' logits before sampling.</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>Tokens beside EOS that end generation (vLLM's <c>stop_token_ids</c>).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Stop tokens are held back until this many tokens are generated.</summary>
    public int MinTokens { get; init; }

    /// <summary>Independent answers to the same prompt (<c>n</c>): one prefill, choice i seeded <c>seed + i</c>.</summary>
    public int N { get; init; } = 1;
}
