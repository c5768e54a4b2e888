using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Configuration;

/// <summary>
/// Router session affinity (Dynamo's): a session's requests (named by the session headers or
/// <c>agent_context.session_id</c>) go to the worker its first request went to, until the session
/// is idle for <see cref="TtlSeconds"/>. <c>hard</c> keeps to that worker while it lives; <c>soft</c>
/// lets the router choose when that worker is over a busy threshold. <c>nvext.session_control</c>
/// binds explicitly either way.
/// </summary>
public sealed record SessionAffinityOptions(int TtlSeconds, bool Soft)
{
    /// <summary><c>SessionAffinityTtlSeconds</c> and <c>SessionAffinityMode</c> of a model; null when the TTL is not set.</summary>
    public static SessionAffinityOptions? From(IConfigurationSection model) =>
        model.GetValue<int?>("SessionAffinityTtlSeconds") is { } ttl
            ? new SessionAffinityOptions(ttl, (model["SessionAffinityMode"] ?? "hard") switch
            {
                "hard" => false,
                "soft" => true,
                var other => throw new DynamoConfigurationException($"'{model.Path}:SessionAffinityMode' must be \"hard\" or \"soft\", got '{other}'."),
            })
            : model["SessionAffinityMode"] is not null
                ? throw new DynamoConfigurationException($"'{model.Path}:SessionAffinityMode' needs 'SessionAffinityTtlSeconds' (the idle timeout) too.")
                : null;

    public string? Problem() => TtlSeconds is < 1 or > 86_400 ? $"'SessionAffinityTtlSeconds' must be between 1 and 86400, got {TtlSeconds}." : null;
}
