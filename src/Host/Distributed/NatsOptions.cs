using Dynamo.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Host.Distributed;

/// <summary>
/// <c>Dynamo:Nats</c>: where the distributed runtime's NATS server is and how fast it notices a
/// worker gone. Frontend and workers must agree on these (they share the configuration file).
/// </summary>
/// <param name="Url">The NATS server (<c>--nats URL</c>).</param>
/// <param name="LeaseTtl">A worker's registration expires this long after its last renewal.</param>
/// <param name="KeepAliveInterval">A worker sends every open stream a keep-alive this often.</param>
/// <param name="StreamIdleTimeout">A stream with no word from its worker for this long is treated as lost.</param>
/// <param name="LoadInterval">A worker publishes its load this often (when it changed).</param>
internal sealed record NatsOptions(string Url, TimeSpan LeaseTtl, TimeSpan KeepAliveInterval, TimeSpan StreamIdleTimeout, TimeSpan LoadInterval)
{
    public const string Section = "Dynamo:Nats";
    public const string DefaultUrl = "nats://127.0.0.1:4222";

    /// <summary>The JetStream key-value bucket workers register in (one key per worker).</summary>
    public const string Bucket = "dynamo_workers";

    public static NatsOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        TimeSpan Millis(string key, int fallback)
        {
            var value = section.GetValue(key, fallback);
            return value > 0 ? TimeSpan.FromMilliseconds(value)
                : throw new DynamoConfigurationException($"'{Section}:{key}' must be a positive number of milliseconds, got {value}.");
        }
        var options = new NatsOptions(
            section["Url"] is { Length: > 0 } url ? url : DefaultUrl,
            Millis("LeaseTtlMs", 10_000),
            Millis("KeepAliveIntervalMs", 1_000),
            Millis("StreamIdleTimeoutMs", 5_000),
            Millis("LoadIntervalMs", 100));
        if (options.StreamIdleTimeout <= options.KeepAliveInterval * 2)
            throw new DynamoConfigurationException(
                $"'{Section}:StreamIdleTimeoutMs' ({options.StreamIdleTimeout.TotalMilliseconds}) must be more than twice 'KeepAliveIntervalMs' ({options.KeepAliveInterval.TotalMilliseconds}), or healthy streams would be cut.");
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            throw new DynamoConfigurationException($"'{Section}:Url' must be a NATS URL such as {DefaultUrl}, got '{options.Url}'.");
        return options;
    }
}
