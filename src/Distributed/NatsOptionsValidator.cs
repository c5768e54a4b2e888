using Microsoft.Extensions.Options;

namespace Dynamo.Distributed;

/// <summary>Checks <see cref="NatsOptions"/> at start, naming the key to change.</summary>
internal sealed class NatsOptionsValidator : IValidateOptions<NatsOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("LeaseTtlMs", options.LeaseTtlMs), ("KeepAliveIntervalMs", options.KeepAliveIntervalMs), ("StreamIdleTimeoutMs", options.StreamIdleTimeoutMs), ("LoadIntervalMs", options.LoadIntervalMs) })
            if (value <= 0)
                failures.Add($"'{NatsOptions.Section}:{key}' must be a positive number of milliseconds, got {value}.");
        if (options.DrainTimeoutMs is < 0 or > 25_000)
            failures.Add($"'{NatsOptions.Section}:DrainTimeoutMs' must be from 0 to 25000 milliseconds (the worker's shutdown allows 30 s), got {options.DrainTimeoutMs}.");
        if (options.StreamIdleTimeoutMs <= options.KeepAliveIntervalMs * 2L)
            failures.Add($"'{NatsOptions.Section}:StreamIdleTimeoutMs' ({options.StreamIdleTimeoutMs}) must be more than twice 'KeepAliveIntervalMs' ({options.KeepAliveIntervalMs}), or healthy streams would be cut.");
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            failures.Add($"'{NatsOptions.Section}:Url' must be a NATS URL such as {NatsOptions.DefaultUrl}, got '{options.Url}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
