using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Connectors.Local;

/// <summary>
/// <c>{ "Name": "local", "Model": "agent", "Pools": { "prefill": { "Model": "agent", "Role": "prefill" } }, "DrainTimeoutSeconds": 40 }</c>;
/// and, where the planner's own are not wanted, <c>Executable</c> and <c>ExecutableArguments</c> (the program and what comes
/// before <c>worker</c>), <c>ConfigFile</c>, <c>Nats</c>, and <c>Arguments</c> appended to every worker's command line.
/// </summary>
/// <param name="Executable">The program to run; default the planner's own (<c>dotnet</c> and the host's dll under dotnet).</param>
/// <param name="ExecutableArguments">What goes before <c>worker</c> with <see cref="Executable"/> (e.g. the host's dll after <c>dotnet</c>).</param>
/// <param name="ConfigFile"><c>--config</c>; default the planner's own, none when it has none.</param>
/// <param name="Nats"><c>--nats</c>; default the planner's <c>Dynamo:Nats:Url</c>, none when unset.</param>
/// <param name="Model"><c>--model</c> for pools that name none; none lets the worker take the only configured model.</param>
/// <param name="Pools">Per pool (<c>aggregated</c>, <c>prefill</c>, <c>decode</c>) its model and role.</param>
/// <param name="Arguments">Appended to every worker's command line.</param>
/// <param name="DrainTimeout">How long a worker has after SIGTERM before it is killed.</param>
internal sealed record LocalConnectorOptions(
    string? Executable,
    IReadOnlyList<string>? ExecutableArguments,
    string? ConfigFile,
    string? Nats,
    string? Model,
    IReadOnlyDictionary<string, LocalPoolOptions> Pools,
    IReadOnlyList<string> Arguments,
    TimeSpan DrainTimeout)
{
    /// <summary>The worker's own shutdown gives its host 30 s; a little more, so a slow drain is not cut short.</summary>
    public const double DefaultDrainTimeoutSeconds = 40;

    public static LocalConnectorOptions From(IConfiguration options)
    {
        var pools = options.GetSection("Pools").GetChildren().ToDictionary(
            p => p.Key, p => new LocalPoolOptions(Blank(p["Model"]), Blank(p["Role"])), StringComparer.OrdinalIgnoreCase);
        var drain = options["DrainTimeoutSeconds"] is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : DefaultDrainTimeoutSeconds;
        if (!(drain >= 0))
            throw new ArgumentException($"DrainTimeoutSeconds must be 0 or more (got {drain}).");
        var prefix = options.GetSection("ExecutableArguments").GetChildren().Select(c => c.Value ?? "").ToList();
        return new LocalConnectorOptions(
            Blank(options["Executable"]),
            prefix.Count > 0 ? prefix : null,
            Blank(options["ConfigFile"]),
            Blank(options["Nats"]),
            Blank(options["Model"]),
            pools,
            options.GetSection("Arguments").GetChildren().Select(c => c.Value ?? "").ToList(),
            TimeSpan.FromSeconds(drain));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <param name="Model">The pool's <c>--model</c>.</param>
/// <param name="Role">The pool's <c>--role</c>; default by its name (aggregated: both).</param>
internal sealed record LocalPoolOptions(string? Model, string? Role);
