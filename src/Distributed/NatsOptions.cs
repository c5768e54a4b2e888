namespace Dynamo.Distributed;

/// <summary>
/// <c>Dynamo:Nats</c>: where the distributed runtime's NATS server is and how fast it notices a
/// worker gone. Frontend and workers must agree on these (they share the configuration file).
/// </summary>
public sealed class NatsOptions
{
    public const string Section = "Dynamo:Nats";
    public const string DefaultUrl = "nats://127.0.0.1:4222";

    /// <summary>The JetStream key-value bucket workers register in (one key per worker).</summary>
    public const string Bucket = "dynamo_workers";

    /// <summary>The NATS server (<c>--nats URL</c>).</summary>
    public string Url { get; set; } = DefaultUrl;

    /// <summary>A worker's registration expires this long after its last renewal.</summary>
    public int LeaseTtlMs { get; set; } = 10_000;

    /// <summary>A worker sends every open stream a keep-alive this often.</summary>
    public int KeepAliveIntervalMs { get; set; } = 1_000;

    /// <summary>A stream with no word from its worker for this long is treated as lost.</summary>
    public int StreamIdleTimeoutMs { get; set; } = 5_000;

    /// <summary>A worker publishes its load this often (when it changed).</summary>
    public int LoadIntervalMs { get; set; } = 100;

    /// <summary>
    /// A worker told to stop (SIGTERM: a planner scaling down, a rolling update) leaves the registry at once, lets its
    /// requests in flight finish for up to this long, and only then tells those left to migrate. 0 migrates them at once.
    /// Under the worker host's own 30 s shutdown, so the migration still happens.
    /// </summary>
    public int DrainTimeoutMs { get; set; } = 20_000;

    /// <summary>
    /// Dynamo's router replica sync: a frontend's routers share the load of the requests they route
    /// with the same model's routers in other frontends, so replicas do not all pick the same idle worker.
    /// </summary>
    public bool RouterReplicaSync { get; set; }

    /// <summary>
    /// Where a worker's KV data plane (disaggregated serving) listens and is reached, <c>host:port</c>; by default
    /// the worker's own host name and a port the system picks. <c>Dynamo:KvDataPlane</c> tunes the rest.
    /// </summary>
    public string? DataPlaneAddress { get; set; }

    public TimeSpan LeaseTtl => TimeSpan.FromMilliseconds(LeaseTtlMs);

    public TimeSpan KeepAliveInterval => TimeSpan.FromMilliseconds(KeepAliveIntervalMs);

    public TimeSpan StreamIdleTimeout => TimeSpan.FromMilliseconds(StreamIdleTimeoutMs);

    public TimeSpan LoadInterval => TimeSpan.FromMilliseconds(LoadIntervalMs);

    public TimeSpan DrainTimeout => TimeSpan.FromMilliseconds(DrainTimeoutMs);
}
