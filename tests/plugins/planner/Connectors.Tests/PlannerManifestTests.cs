using k8s;
using k8s.Models;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>
/// deploy/ runs the planner as the kubernetes connector expects: <c>dynamo planner</c> on the shared configuration, as a
/// service account whose Role lets it read and patch the scale of every worker Deployment it is told to scale.
/// </summary>
public sealed class PlannerManifestTests
{
    private const string Connector = "Dynamo__Planner__Connector__";

    // The base setup's files are in deploy/base; the disaggregated overlay's in deploy/disaggregated.
    private static string Deploy(string file) =>
        File.ReadAllText(File.Exists(Path.Combine(Connectors.RepoRoot, "deploy", "base", file))
            ? Path.Combine(Connectors.RepoRoot, "deploy", "base", file) : Path.Combine(Connectors.RepoRoot, "deploy", file));

    private static List<object> Load(string file) => KubernetesYaml.LoadAllFromString(Deploy(file));

    private static V1Deployment Planner() => Assert.Single(Load("planner.yaml").OfType<V1Deployment>());

    private static IReadOnlyDictionary<string, string> ConnectorEnv() =>
        Assert.Single(Planner().Spec.Template.Spec.Containers).Env
            .Where(e => e.Name.StartsWith(Connector, StringComparison.Ordinal) && e.Value is not null)
            .ToDictionary(e => e.Name[Connector.Length..], e => e.Value);

    [Fact]
    public void The_planner_runs_dynamo_planner_on_the_shared_configuration_with_the_kubernetes_connector()
    {
        var planner = Planner();
        var pod = planner.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal(["planner", "--config", "/config/appsettings.json"], container.Args);
        Assert.Equal("dynamo-dotnet", container.Image);
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal("/config", mount.MountPath);
        Assert.Equal("dynamo-config", pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
        // One planner: two would each scale on their own view.
        Assert.Equal(1, planner.Spec.Replicas);
        Assert.Equal("Recreate", planner.Spec.Strategy.Type);
        Assert.Equal("kubernetes", ConnectorEnv()["Name"]);
        Assert.Equal("metadata.namespace", container.Env.Single(e => e.Name == Connector + "Namespace").ValueFrom.FieldRef.FieldPath);
        var kustomization = Deploy("kustomization.yaml");
        Assert.Contains("- planner-rbac.yaml", kustomization);
        Assert.Contains("- planner.yaml", kustomization);
    }

    [Fact]
    public void Its_service_account_may_get_and_patch_the_scale_of_each_worker_deployment_it_scales()
    {
        var rbac = Load("planner-rbac.yaml");
        var account = Assert.Single(rbac.OfType<V1ServiceAccount>());
        var role = Assert.Single(rbac.OfType<V1Role>());
        var binding = Assert.Single(rbac.OfType<V1RoleBinding>());
        Assert.Equal(account.Metadata.Name, Planner().Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account.Metadata.Name), (subject.Kind, subject.Name));
        Assert.Contains($"namespace: {subject.NamespaceProperty}", Deploy("kustomization.yaml"));

        var deployments = ConnectorEnv().Where(e => e.Key.StartsWith("Deployments__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key["Deployments__".Length..], e => e.Value);
        Assert.Equal(["aggregated", "decode", "prefill"], deployments.Keys.Order());
        foreach (var (pool, name) in deployments)
        {
            var scale = role.Rules.Where(r => r.ApiGroups.Contains("apps") && r.Resources.Contains("deployments/scale")
                && (r.ResourceNames is null || r.ResourceNames.Contains(name))).SelectMany(r => r.Verbs).ToHashSet();
            Assert.True(scale.IsSupersetOf(["get", "patch"]), $"the Role lets the planner get and patch deployments/scale of {name} (pool {pool})");
        }
    }

    [Fact]
    public void Each_pool_s_deployment_runs_workers_of_that_role()
    {
        var workers = new[] { "worker.yaml", Path.Combine("disaggregated", "prefill.yaml"), Path.Combine("disaggregated", "decode.yaml") }
            .SelectMany(Load).OfType<V1Deployment>()
            .ToDictionary(d => d.Metadata.Name, d => Assert.Single(d.Spec.Template.Spec.Containers).Args);
        foreach (var (key, name) in ConnectorEnv().Where(e => e.Key.StartsWith("Deployments__", StringComparison.Ordinal)))
        {
            var pool = key["Deployments__".Length..];
            Assert.True(workers.TryGetValue(name, out var args), $"pool {pool}'s Deployment {name} is in deploy/");
            Assert.Equal("worker", args[0]);
            var role = args.IndexOf("--role") is var i and >= 0 ? args[i + 1] : "both";
            Assert.Equal(pool == "aggregated" ? "both" : pool, role);
        }
    }
}
