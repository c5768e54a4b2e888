using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.KvCache;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Engine;

/// <summary>One request inside the llama engine: its KV state, sampler, progress and output channel.</summary>
internal sealed class LlamaSequence(EngineRequest request, int reservedTokens, int blockSize) : ScheduledSequence(request)
{
    /// <summary>The prompt's full blocks, hashed when the request arrives (off the scheduler thread).</summary>
    public KvBlockHash[] PromptHashes { get; } = KvBlockHasher.HashBlocks([.. request.TokenIds], blockSize);

    /// <summary>Prompt and generated tokens, in order.</summary>
    public List<int> Tokens { get; } = [.. request.TokenIds];

    /// <summary>Sequence hashes of the blocks already offered to the prefix cache, in order.</summary>
    public List<ulong> StoredBlocks { get; } = [];

    /// <summary>Prompt blocks the offload tiers returned before admission (null where they had none), to onboard instead of prefill.</summary>
    public KvBlockPayload?[]? Offloaded { get; set; }

    /// <summary>Prompt tokens copied from the prefix cache instead of prefilled.</summary>
    public int CachedTokens { get; set; }

    /// <summary>KV positions reserved for it: prompt plus the most it may generate.</summary>
    public int ReservedTokens { get; } = reservedTokens;

    public SequenceState? State { get; set; }

    public Sampler? Sampler { get; set; }

    /// <summary>Grammar, logit bias, min_tokens and log probabilities around each sample.</summary>
    public ConstrainedDecoding? Decoding { get; set; }

    /// <summary>Prompt tokens already prefilled.</summary>
    public int Prefilled { get; set; }

    public int Generated { get; set; }

    public int LastToken { get; set; }
}
