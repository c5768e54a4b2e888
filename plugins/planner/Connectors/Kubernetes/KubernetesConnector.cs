using System.Net;
using System.Text.Json.Nodes;
using Dynamo.Abstractions.Planner;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Dynamo.Planner.Connectors.Kubernetes;

/// <summary>
/// Scales each pool's worker Deployment through its <c>scale</c> subresource. A pool's replicas are the scale's
/// <c>spec.replicas</c>: what was asked for, starting pods included, as the local connector counts processes it started.
/// A change is a JSON merge patch of the scale carrying the <c>resourceVersion</c> just read, so it never overwrites a
/// change it did not see (someone's <c>kubectl scale</c>, a rollout): such a patch gets 409 Conflict and is retried
/// on fresh state. Scaling down is Kubernetes' own: the pod gets SIGTERM, the worker leaves the registry and its streams migrate.
/// </summary>
internal sealed class KubernetesConnector(IKubernetes client, string @namespace, IReadOnlyDictionary<string, string> deployments, int conflictRetries, ILogger logger)
    : IPlannerConnector
{
    public async ValueTask<int> GetReplicasAsync(string pool, CancellationToken cancellationToken)
    {
        var deployment = Deployment(pool);
        var scale = await ReadScaleAsync(pool, deployment, cancellationToken);
        return scale.Spec?.Replicas ?? 0;
    }

    public async ValueTask SetReplicasAsync(string pool, int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        var deployment = Deployment(pool);
        for (var attempt = 0; ; attempt++)
        {
            var scale = await ReadScaleAsync(pool, deployment, cancellationToken);
            var current = scale.Spec?.Replicas ?? 0;
            if (current == replicas)
                return;
            try
            {
                await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
                    new V1Patch(PatchBody(scale.Metadata?.ResourceVersion, replicas), V1Patch.PatchType.MergePatch), deployment, @namespace, cancellationToken: cancellationToken);
                logger.LogInformation("Pool {Pool}: Deployment {Namespace}/{Deployment} scaled from {From} to {To} replicas", pool, @namespace, deployment, current, replicas);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < conflictRetries)
            {
                // The scale changed since it was read: read it again and decide on what is there now.
                logger.LogInformation("Pool {Pool}: Deployment {Namespace}/{Deployment} changed while scaling it (409 Conflict); retrying on fresh state", pool, @namespace, deployment);
            }
            catch (Exception ex) when (Failed(ex, cancellationToken))
            {
                throw Describe(ex, pool, deployment, "scale", attempt);
            }
        }
    }

    /// <summary>The merge patch sent: <c>{"metadata":{"resourceVersion":"RV"},"spec":{"replicas":N}}</c>, the version a precondition.</summary>
    internal static string PatchBody(string? resourceVersion, int replicas)
    {
        var body = new JsonObject();
        if (resourceVersion is not null)
            body["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion };
        body["spec"] = new JsonObject { ["replicas"] = replicas };
        return body.ToJsonString();
    }

    private async Task<V1Scale> ReadScaleAsync(string pool, string deployment, CancellationToken cancellationToken)
    {
        try
        {
            return await client.AppsV1.ReadNamespacedDeploymentScaleAsync(deployment, @namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (Failed(ex, cancellationToken))
        {
            throw Describe(ex, pool, deployment, "read the scale of", 0);
        }
    }

    /// <summary>An answer that is an error, no answer at all, or the client's own timeout; not the caller cancelling.</summary>
    private static bool Failed(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpOperationException or HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    private string Deployment(string pool) => deployments.TryGetValue(pool, out var name) ? name
        : throw new ArgumentException($"The kubernetes connector has no Deployment for pool '{pool}': set Dynamo:Planner:Connector:Deployments:{pool}.", nameof(pool));

    private KubernetesConnectorException Describe(Exception ex, string pool, string deployment, string action, int conflicts)
    {
        var what = $"Deployment '{deployment}' in namespace '{@namespace}' (pool '{pool}')";
        if (ex is not HttpOperationException http)
            return new KubernetesConnectorException($"Could not {action} {what}: the Kubernetes API did not answer ({ex.Message}).", null, ex);
        var status = http.Response.StatusCode;
        var message = status switch
        {
            HttpStatusCode.NotFound => $"{what} does not exist: create it, or name the right one in Dynamo:Planner:Connector:Deployments:{pool}.",
            HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized =>
                $"Not allowed to {action} {what} ({(int)status}): the planner's service account needs get and patch on deployments/scale (deploy/base/planner-rbac.yaml).",
            HttpStatusCode.Conflict => $"Could not {action} {what}: it changed under the planner {conflicts + 1} times in a row (409 Conflict).",
            _ => $"Could not {action} {what}: the Kubernetes API answered {(int)status} {http.Response.ReasonPhrase}: {Excerpt(http.Response.Content)}",
        };
        return new KubernetesConnectorException(message, status, ex);
    }

    private static string Excerpt(string? content) =>
        string.IsNullOrWhiteSpace(content) ? "(no body)" : content.Length <= 300 ? content : content[..300] + "…";

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
