using System.Diagnostics;
using System.Reflection;

namespace Dynamo.Planner.Connectors.Local;

/// <summary>
/// How the local connector runs a worker:
/// <c>PROGRAM [ARGS…] worker [--config FILE] [--nats URL] [--model NAME] --worker-id ID --role ROLE [EXTRA…]</c>,
/// by default the planner's own program and configuration file, so workers serve what the planner plans for.
/// </summary>
internal sealed class WorkerCommandLine(
    string executable,
    IReadOnlyList<string> executableArguments,
    string? configFile,
    string? nats,
    string? model,
    IReadOnlyDictionary<string, LocalPoolOptions> pools,
    IReadOnlyList<string> extra)
{
    public static readonly IReadOnlyList<string> KnownPools = ["aggregated", "prefill", "decode"];

    private int _started;

    public string Executable => executable;

    /// <summary>The worker's role for a pool: its configured one, else aggregated → both, prefill → prefill, decode → decode.</summary>
    /// <exception cref="ArgumentException">Not a pool the planner has.</exception>
    public string Role(string pool) => pools.TryGetValue(pool, out var configured) && configured.Role is { } role ? role : pool switch
    {
        "aggregated" => "both",
        "prefill" or "decode" => pool,
        _ => throw new ArgumentException($"The local connector has no pool '{pool}' (pools: {string.Join(", ", KnownPools)}, or one configured under Pools).", nameof(pool)),
    };

    /// <summary>A fresh id: the pool's model and name, the planner's pid and a counter, unique on this machine and a valid NATS token.</summary>
    public string NextWorkerId(string pool)
    {
        var n = Interlocked.Increment(ref _started);
        return new([.. $"{Model(pool) ?? "worker"}-{pool}-{Environment.ProcessId}-{n}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
    }

    public ProcessStartInfo StartInfo(string pool, string workerId)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false };
        foreach (var argument in executableArguments)
            info.ArgumentList.Add(argument);
        info.ArgumentList.Add("worker");
        Add(info, "--config", configFile);
        Add(info, "--nats", nats);
        Add(info, "--model", Model(pool));
        Add(info, "--worker-id", workerId);
        Add(info, "--role", Role(pool));
        foreach (var argument in extra)
            info.ArgumentList.Add(argument);
        return info;
    }

    private string? Model(string pool) => pools.TryGetValue(pool, out var configured) && configured.Model is { } name ? name : model;

    private static void Add(ProcessStartInfo info, string option, string? value)
    {
        if (value is null)
            return;
        info.ArgumentList.Add(option);
        info.ArgumentList.Add(value);
    }

    /// <summary>
    /// The planner's own program: its apphost, or <c>dotnet</c> and the host's dll when it runs under <c>dotnet Dynamo.Host.dll</c>
    /// (as the container image does).
    /// </summary>
    public static (string Executable, IReadOnlyList<string> Arguments) CurrentProgram()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The planner's own program is unknown here: set the local connector's Executable.");
        return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll
            ? (path, [dll])
            : (path, []);
    }

    /// <summary>The planner's own <c>--config FILE</c>, as a full path; null when it runs on the embedded configuration.</summary>
    public static string? CurrentConfigFile()
    {
        var args = Environment.GetCommandLineArgs();
        var index = Array.IndexOf(args, "--config");
        return index >= 0 && index + 1 < args.Length ? Path.GetFullPath(args[index + 1]) : null;
    }
}
