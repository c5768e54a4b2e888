namespace Dynamo.Runtime.Workers;

/// <summary>What a worker does in disaggregated serving (Dynamo's prefill and decode workers).</summary>
public enum WorkerRole
{
    /// <summary>Prefill and decode (aggregated): the default.</summary>
    Both,

    /// <summary>Prefills prompts for decode workers and hands their KV on; never routed a whole request.</summary>
    Prefill,

    /// <summary>Decodes; prefills locally only what the frontend does not send to a prefill worker.</summary>
    Decode,
}
