using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Connectors.Kubernetes;

/// <summary>
/// <c>{ "Name": "kubernetes", "Namespace": "dynamo", "Kubeconfig": "~/.kube/config", "Context": "kind-dynamo",
/// "Deployments": { "aggregated": "dynamo-worker-agent", "prefill": "…", "decode": "…" }, "ConflictRetries": 3 }</c>;
/// a pool's Deployment may also sit with the pool's other settings, as <c>Pools:&lt;pool&gt;:Deployment</c>.
/// Without a kubeconfig the connector uses the pod's service account when it runs in a cluster, else the default
/// kubeconfig (<c>KUBECONFIG</c> or <c>~/.kube/config</c>).
/// </summary>
/// <param name="Namespace">The worker Deployments' namespace; default the in-cluster one, or the kubeconfig context's, or <c>default</c>.</param>
/// <param name="Kubeconfig">A kubeconfig file to use instead of the service account.</param>
/// <param name="Context">The kubeconfig context; default its current one.</param>
/// <param name="Deployments">The Deployment that runs each pool's workers.</param>
/// <param name="ConflictRetries">How many times a 409 Conflict is retried on fresh state before the change fails.</param>
internal sealed record KubernetesConnectorOptions(
    string? Namespace,
    string? Kubeconfig,
    string? Context,
    IReadOnlyDictionary<string, string> Deployments,
    int ConflictRetries)
{
    public const int DefaultConflictRetries = 3;

    public static KubernetesConnectorOptions From(IConfiguration options)
    {
        var deployments = options.GetSection("Deployments").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase);
        foreach (var pool in options.GetSection("Pools").GetChildren())
            if (Blank(pool["Deployment"]) is { } name)
                deployments[pool.Key] = name;
        if (deployments.Count == 0)
            throw new ArgumentException("The kubernetes connector needs the Deployment of each pool it scales: Deployments: { \"aggregated\": NAME } (or \"prefill\" and \"decode\"), or Pools: { POOL: { \"Deployment\": NAME } }.");
        var retries = options["ConflictRetries"] is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : DefaultConflictRetries;
        if (retries < 0)
            throw new ArgumentException($"ConflictRetries must be 0 or more (got {retries}).");
        return new KubernetesConnectorOptions(Blank(options["Namespace"]), Blank(options["Kubeconfig"]), Blank(options["Context"]), deployments, retries);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
