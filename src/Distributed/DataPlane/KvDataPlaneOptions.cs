namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// <c>Dynamo:KvDataPlane</c>: where a worker's KV data plane listens and what it tells decode
/// workers to connect to, and how long staged blocks wait for them.
/// </summary>
public sealed record KvDataPlaneOptions
{
    public const string Section = "Dynamo:KvDataPlane";

    /// <summary>The address to listen on; all interfaces by default, since decode workers are usually on other machines.</summary>
    public string BindHost { get; set; } = "0.0.0.0";

    /// <summary>The port to listen on; 0 lets the system pick one (handles carry the port, so nobody needs to know it).</summary>
    public int Port { get; set; }

    /// <summary>The host name handles carry; by default the machine's name, or 127.0.0.1 when bound to loopback.</summary>
    public string? AdvertiseHost { get; set; }

    /// <summary>Each connection's write (server) or read (client) buffer: the most memory a transfer needs beyond its blocks.</summary>
    public int BufferBytes { get; set; } = 256 * 1024;

    /// <summary>Staged blocks are freed this long after staging, pulled or not (a decode worker that never came).</summary>
    public int StageTtlMs { get; set; } = 60_000;

    /// <summary>How long a client waits for the connection, and a server for the client's request.</summary>
    public int ConnectTimeoutMs { get; set; } = 5_000;

    /// <summary>Caps each transfer's send rate, in bytes per second (0: as fast as the network goes): a slower network, emulated.</summary>
    public long MaxBytesPerSecond { get; set; }

    public TimeSpan StageTtl => TimeSpan.FromMilliseconds(StageTtlMs);

    public TimeSpan ConnectTimeout => TimeSpan.FromMilliseconds(ConnectTimeoutMs);
}
