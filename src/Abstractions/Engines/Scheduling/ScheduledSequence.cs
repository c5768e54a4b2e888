using System.Threading.Channels;

namespace Dynamo.Abstractions.Engines.Scheduling;

/// <summary>One request inside an engine built on <see cref="EngineScheduler{TSequence}"/>: the request, its arrival order and the channel its output goes to.</summary>
public abstract class ScheduledSequence(EngineRequest request)
{
    private int _cancelled;

    public EngineRequest Request { get; } = request;

    /// <summary>Arrival order, for admission among equal priorities.</summary>
    public long Arrival { get; internal set; }

    /// <summary>Its reasoning budget's progress, when it has one: ask it for a forced token before each emit.</summary>
    public ReasoningBudget.Tracker? Reasoning { get; } = request.Reasoning?.Track();

    public Channel<EngineOutput> Output { get; } = Channel.CreateUnbounded<EngineOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>The consumer left (cancelled or stopped reading): the loop lets it go at its next step.</summary>
    public bool Cancelled => Volatile.Read(ref _cancelled) == 1;

    public void Cancel() => Volatile.Write(ref _cancelled, 1);
}
