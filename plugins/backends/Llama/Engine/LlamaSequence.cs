using System.Threading.Channels;
using Dynamo.Abstractions.Engines;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Engine;

/// <summary>One request inside the llama engine: its KV state, sampler, progress and output channel.</summary>
internal sealed class LlamaSequence(EngineRequest request, long arrival, int reservedTokens)
{
    private int _cancelled;

    public EngineRequest Request { get; } = request;

    public long Arrival { get; } = arrival;

    /// <summary>KV positions reserved for it: prompt plus the most it may generate.</summary>
    public int ReservedTokens { get; } = reservedTokens;

    public Channel<EngineOutput> Output { get; } = Channel.CreateUnbounded<EngineOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public SequenceState? State { get; set; }

    public Sampler? Sampler { get; set; }

    /// <summary>Prompt tokens already prefilled.</summary>
    public int Prefilled { get; set; }

    public int Generated { get; set; }

    public int LastToken { get; set; }

    public bool Cancelled => Volatile.Read(ref _cancelled) == 1;

    public void Cancel() => Volatile.Write(ref _cancelled, 1);
}
