using System.Net;
using Dynamo.Abstractions.Planner;
using Dynamo.Planner.Connectors.Kubernetes;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>The kubernetes connector against a fake API server on loopback: the exact requests it sends, conflicts and errors.</summary>
public sealed class KubernetesConnectorTests : IDisposable
{
    private const string Worker = "dynamo-worker-agent";
    private readonly string _folder = Directory.CreateTempSubdirectory("dynamo-k8s-").FullName;

    private IPlannerConnector Connector(FakeKubernetesApi api, string? contextNamespace = null, string? ns = "dynamo", int? conflictRetries = null)
    {
        var options = new Dictionary<string, string?>
        {
            ["Name"] = "kubernetes",
            ["Kubeconfig"] = api.WriteKubeconfig(_folder, contextNamespace),
            ["Namespace"] = ns,
            ["Deployments:aggregated"] = Worker,
            ["Deployments:prefill"] = "dynamo-worker-agent-prefill",
            ["ConflictRetries"] = conflictRetries?.ToString(),
        };
        return Connectors.Create(new KubernetesConnectorFactory(), options);
    }

    [Fact]
    public async Task Scaling_patches_the_deployments_scale_with_a_merge_patch_conditional_on_the_version_it_read()
    {
        await using var api = new FakeKubernetesApi();
        api.AddDeployment(Worker, replicas: 1, version: 10);
        await using var connector = Connector(api);

        Assert.Equal(1, await connector.GetReplicasAsync("aggregated", default));
        await connector.SetReplicasAsync("aggregated", 3, default);

        Assert.Equal(3, api.Replicas(Worker));
        var requests = api.Requests;
        Assert.Equal(["GET", "GET", "PATCH"], requests.Select(r => r.Method));
        Assert.All(requests, r => Assert.Equal("/apis/apps/v1/namespaces/dynamo/deployments/dynamo-worker-agent/scale", r.PathAndQuery));
        Assert.All(requests, r => Assert.Equal("Bearer planner-token", r.Authorization));
        var patch = requests[2];
        Assert.Equal("application/merge-patch+json; charset=utf-8", patch.ContentType);
        Assert.Equal("""{"metadata":{"resourceVersion":"10"},"spec":{"replicas":3}}""", patch.Body);
        Assert.Equal(3, await connector.GetReplicasAsync("aggregated", default));
    }

    [Fact]
    public async Task A_pool_already_at_its_replicas_is_not_patched()
    {
        await using var api = new FakeKubernetesApi();
        api.AddDeployment(Worker, replicas: 2, version: 4);
        await using var connector = Connector(api);

        await connector.SetReplicasAsync("aggregated", 2, default);

        Assert.Equal(["GET"], api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_conflict_is_retried_on_fresh_state_with_the_new_version()
    {
        await using var api = new FakeKubernetesApi { ConcurrentChanges = 2 };
        api.AddDeployment(Worker, replicas: 1, version: 10);
        await using var connector = Connector(api);

        await connector.SetReplicasAsync("aggregated", 5, default);

        Assert.Equal(5, api.Replicas(Worker));
        var patches = api.Requests.Where(r => r.Method == "PATCH").Select(r => r.Body).ToList();
        // Each 409 came from a change the connector had not seen (versions 11, then 12); it read again and patched on that.
        Assert.Equal(
        [
            """{"metadata":{"resourceVersion":"10"},"spec":{"replicas":5}}""",
            """{"metadata":{"resourceVersion":"11"},"spec":{"replicas":5}}""",
            """{"metadata":{"resourceVersion":"12"},"spec":{"replicas":5}}""",
        ], patches);
        Assert.Equal(["GET", "PATCH", "GET", "PATCH", "GET", "PATCH"], api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Conflicts_beyond_the_retries_fail_with_a_clear_exception()
    {
        await using var api = new FakeKubernetesApi { ConcurrentChanges = 100 };
        api.AddDeployment(Worker, replicas: 1, version: 10);
        await using var connector = Connector(api, conflictRetries: 2);

        var ex = await Assert.ThrowsAsync<KubernetesConnectorException>(() => connector.SetReplicasAsync("aggregated", 5, default).AsTask());

        Assert.Equal(HttpStatusCode.Conflict, ex.StatusCode);
        Assert.Contains("'dynamo-worker-agent' in namespace 'dynamo'", ex.Message);
        Assert.Contains("3 times in a row (409 Conflict)", ex.Message);
        Assert.Equal(3, api.Requests.Count(r => r.Method == "PATCH"));
    }

    [Fact]
    public async Task A_missing_deployment_is_named_in_the_error()
    {
        await using var api = new FakeKubernetesApi();
        await using var connector = Connector(api);

        var read = await Assert.ThrowsAsync<KubernetesConnectorException>(() => connector.GetReplicasAsync("prefill", default).AsTask());
        var scale = await Assert.ThrowsAsync<KubernetesConnectorException>(() => connector.SetReplicasAsync("prefill", 2, default).AsTask());

        foreach (var ex in new[] { read, scale })
        {
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
            Assert.Contains("Deployment 'dynamo-worker-agent-prefill' in namespace 'dynamo' (pool 'prefill') does not exist", ex.Message);
            Assert.Contains("Dynamo:Planner:Connector:Deployments:prefill", ex.Message);
        }
        Assert.DoesNotContain(api.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task A_server_error_says_what_the_api_answered()
    {
        await using var api = new FakeKubernetesApi { PatchFailure = HttpStatusCode.InternalServerError };
        api.AddDeployment(Worker, replicas: 1, version: 10);
        await using var connector = Connector(api);

        var ex = await Assert.ThrowsAsync<KubernetesConnectorException>(() => connector.SetReplicasAsync("aggregated", 2, default).AsTask());

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("Could not scale Deployment 'dynamo-worker-agent' in namespace 'dynamo' (pool 'aggregated')", ex.Message);
        Assert.Contains("500", ex.Message);
        Assert.Contains("etcdserver: request timed out", ex.Message);
        Assert.Single(api.Requests, r => r.Method == "PATCH"); // a server error is not a conflict: no retry here, the planner tries next interval
    }

    [Fact]
    public async Task An_unreachable_api_server_is_a_clear_exception()
    {
        var nobody = $"http://127.0.0.1:{FakeKubernetesApi.FreePort()}";
        var kubeconfig = FakeKubernetesApi.WriteKubeconfig(_folder, nobody, null);
        await using var connector = Connectors.Create(new KubernetesConnectorFactory(), new Dictionary<string, string?>
        {
            ["Kubeconfig"] = kubeconfig,
            ["Deployments:aggregated"] = Worker,
        });

        var ex = await Assert.ThrowsAsync<KubernetesConnectorException>(() => connector.GetReplicasAsync("aggregated", default).AsTask());

        Assert.Null(ex.StatusCode);
        Assert.Contains("the Kubernetes API did not answer", ex.Message);
    }

    [Fact]
    public async Task The_namespace_defaults_to_the_kubeconfig_context_s()
    {
        await using var api = new FakeKubernetesApi { Namespace = "serving" };
        api.AddDeployment(Worker, replicas: 2, version: 1);
        await using var connector = Connector(api, contextNamespace: "serving", ns: null);

        Assert.Equal(2, await connector.GetReplicasAsync("aggregated", default));
        Assert.Equal("/apis/apps/v1/namespaces/serving/deployments/dynamo-worker-agent/scale", api.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task A_pool_s_deployment_may_sit_with_the_pool_s_settings()
    {
        await using var api = new FakeKubernetesApi();
        api.AddDeployment("decoders", replicas: 2, version: 3);
        await using var connector = Connectors.Create(new KubernetesConnectorFactory(), new Dictionary<string, string?>
        {
            ["Kubeconfig"] = api.WriteKubeconfig(_folder, "dynamo"),
            ["Pools:decode:Deployment"] = "decoders",
            ["Pools:decode:MinReplicas"] = "1",
        });

        await connector.SetReplicasAsync("decode", 1, default);

        Assert.Equal(1, api.Replicas("decoders"));
        Assert.Equal(api.ScalePath("decoders"), api.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task A_pool_without_a_deployment_or_options_without_any_are_refused()
    {
        await using var api = new FakeKubernetesApi();
        await using var connector = Connector(api);

        var pool = await Assert.ThrowsAsync<ArgumentException>(() => connector.SetReplicasAsync("decode", 1, default).AsTask());
        Assert.Contains("Dynamo:Planner:Connector:Deployments:decode", pool.Message);
        var none = Assert.Throws<ArgumentException>(() => Connectors.Create(new KubernetesConnectorFactory(), new Dictionary<string, string?> { ["Namespace"] = "dynamo" }));
        Assert.Contains("Deployments", none.Message);
        Assert.Empty(api.Requests);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
