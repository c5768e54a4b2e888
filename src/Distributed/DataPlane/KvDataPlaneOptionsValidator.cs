using Microsoft.Extensions.Options;

namespace Dynamo.Distributed.DataPlane;

/// <summary>Checks <see cref="KvDataPlaneOptions"/> at start, naming the key to change.</summary>
internal sealed class KvDataPlaneOptionsValidator : IValidateOptions<KvDataPlaneOptions>
{
    public const int MinBufferBytes = 4 * 1024;
    public const int MaxBufferBytes = 64 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, KvDataPlaneOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BindHost))
            failures.Add($"'{KvDataPlaneOptions.Section}:BindHost' must name an address to listen on, such as 0.0.0.0 or 127.0.0.1.");
        if (options.Port is < 0 or > 65535)
            failures.Add($"'{KvDataPlaneOptions.Section}:Port' must be 0 (any free port) to 65535, got {options.Port}.");
        if (options.AdvertiseHost is { } advertise && (advertise.Length == 0 || advertise.Any(char.IsWhiteSpace)))
            failures.Add($"'{KvDataPlaneOptions.Section}:AdvertiseHost' must be a host name or address, got '{advertise}'.");
        if (options.BufferBytes is < MinBufferBytes or > MaxBufferBytes)
            failures.Add($"'{KvDataPlaneOptions.Section}:BufferBytes' must be {MinBufferBytes} to {MaxBufferBytes}, got {options.BufferBytes}.");
        foreach (var (key, value) in new[] { ("StageTtlMs", options.StageTtlMs), ("ConnectTimeoutMs", options.ConnectTimeoutMs) })
            if (value <= 0)
                failures.Add($"'{KvDataPlaneOptions.Section}:{key}' must be a positive number of milliseconds, got {value}.");
        if (options.MaxBytesPerSecond < 0)
            failures.Add($"'{KvDataPlaneOptions.Section}:MaxBytesPerSecond' must be 0 (no cap) or more, got {options.MaxBytesPerSecond}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
