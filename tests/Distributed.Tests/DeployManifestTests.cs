using System.Text.RegularExpressions;
using Dynamo.Runtime.Configuration;
using Dynamo.Distributed;
using Dynamo.Testing;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Distributed.Tests;

/// <summary>deploy/ says what a local cluster does: the configuration the pods share is valid, and the pods run what it configures.</summary>
public sealed class DeployManifestTests
{
    private static string Deploy(string file) => File.ReadAllText(Path.Combine(DynamoServer.RepoRoot, "deploy", file));

    private static string Base(string file) => Path.Combine("base", file);

    [Fact]
    public void The_shared_configuration_is_valid_and_points_at_the_nats_service()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(DynamoServer.RepoRoot, "deploy", "base", "appsettings.json")).Build();
        var options = ConfiguredOptions.Dynamo(configuration);
        Assert.NotEmpty(options.Models);
        Assert.Equal("nats://nats:4222", ConfiguredOptions.Nats(configuration).Url);
        Assert.Contains("name: nats", Deploy(Base("nats.yaml")));
        Assert.Contains("\"-js\"", Deploy(Base("nats.yaml")));
    }

    [Fact]
    public void Frontend_and_workers_run_the_dynamo_commands_on_that_configuration()
    {
        var models = ConfiguredOptions.Dynamo(new ConfigurationBuilder().AddJsonFile(Path.Combine(DynamoServer.RepoRoot, "deploy", "base", "appsettings.json")).Build())
            .Models.Select(m => m.Name).ToList();
        Assert.Contains("args: [\"frontend\", \"--config\", \"/config/appsettings.json\"", Deploy(Base("frontend.yaml")));
        var worker = Regex.Match(Deploy(Base("worker.yaml")), "args: \\[\"worker\", \"--config\", \"/config/appsettings.json\", \"--model\", \"([^\"]+)\"\\]");
        Assert.True(worker.Success, "worker.yaml runs `dynamo worker --config /config/appsettings.json --model NAME`");
        Assert.Contains(worker.Groups[1].Value, models);
        var kustomization = Deploy(Base("kustomization.yaml"));
        foreach (var file in new[] { "nats.yaml", "frontend.yaml", "worker.yaml", "appsettings.json" })
            Assert.Contains(file, kustomization);
    }

    [Fact]
    public void The_disaggregated_overlay_runs_prefill_and_decode_workers_of_a_configured_model_in_place_of_the_aggregated_ones()
    {
        var models = ConfiguredOptions.Dynamo(new ConfigurationBuilder().AddJsonFile(Path.Combine(DynamoServer.RepoRoot, "deploy", "base", "appsettings.json")).Build()).Models;
        foreach (var role in new[] { "prefill", "decode" })
        {
            var manifest = Deploy(Path.Combine("disaggregated", $"{role}.yaml"));
            var worker = Regex.Match(manifest, $"args: \\[\"worker\", \"--config\", \"/config/appsettings.json\", \"--model\", \"([^\"]+)\", \"--role\", \"{role}\"\\]");
            Assert.True(worker.Success, $"{role}.yaml runs `dynamo worker --model NAME --role {role}`");
            Assert.NotNull(models.Single(m => m.Name == worker.Groups[1].Value).Disaggregation);
            Assert.Contains("Dynamo__Nats__DataPlaneAddress", manifest);
        }
        var kustomization = Deploy(Path.Combine("disaggregated", "kustomization.yaml"));
        foreach (var part in new[] { "- ../base", "prefill.yaml", "decode.yaml", "$patch: delete", "name: dynamo-worker-agent" })
            Assert.Contains(part, kustomization);
    }
}
