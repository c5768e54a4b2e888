using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>The Grafana dashboard in deploy/ queries only metrics a serving frontend exposes on /metrics.</summary>
[Collection(Tracing.RequestTraceCollection.Name)]
public sealed partial class GrafanaDashboardTests
{
    private static readonly string Dashboard = Path.Combine(DynamoServer.RepoRoot, "deploy", "base", "grafana", "dynamo-dashboard.json");

    [GeneratedRegex(@"\b((?:dynamo|kvbm)_[a-z0-9_]+)")]
    private static partial Regex MetricName();

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_on_metrics()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Dashboard));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(expressions.Count >= 20, $"{expressions.Count} queries");
        // Histograms are queried through their series (_bucket, _sum); the exposition names them the same way.
        var queried = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Groups[1].Value)).ToHashSet();

        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                RequestTrace = new { Enabled = true, Sinks = new[] { "stderr" }, Records = new[] { "tool" } },
                Models = new object[]
                {
                    TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 4 }, new { Replicas = 2, Router = "kv" }),
                    new { Name = "stories", Path = DynamoServer.DefaultModel, Engine = new { Name = "llama", KvCapacityTokens = 256 }, Tokenizer = "gguf", ChatTemplate = "last-user",
                        KvTiers = new object[] { new { Name = "host-memory", CpuCacheGb = 0.001 } } },
                },
            },
        });
        foreach (var model in new[] { "agent", "stories" })
            using (var ok = await server.PostJsonAsync("/v1/chat/completions", JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = "Hello" } }, max_tokens = 4 })))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var rejected = await server.PostJsonAsync("/v1/chat/completions", """{"model":"agent","messages":"not a list"}"""))
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);

        var exposed = (await server.Client.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny([' ', '{'])]).ToHashSet();
        var missing = queried.Where(name => !exposed.Contains(name)).Order().ToList();
        Assert.True(missing.Count == 0, $"Queried by the dashboard but not on /metrics: {string.Join(", ", missing)}");
    }
}
