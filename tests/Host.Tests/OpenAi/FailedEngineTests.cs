using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>
/// An engine whose scheduler loop dies: what it held fails at once with a 500 (no client waits for
/// a dead loop), its worker leaves routing, and /health and /metrics say so.
/// </summary>
public sealed class FailedEngineTests
{
    private static object Config(int replicas, int maxBatchSize) => new
    {
        Dynamo = new
        {
            Models = new[]
            {
                TestConfigs.Model("fragile", new { Name = "crashing", MaxBatchSize = maxBatchSize, StepMs = 20 }, new { Replicas = replicas }),
                TestConfigs.Model("steady", new { Name = "echo" }),
            },
        },
    };

    private static string Chat(int maxTokens, bool stream = false, long seed = 1) =>
        $$"""{"model":"fragile","messages":[{"role":"user","content":"hi"}],"max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}},"seed":{{seed}}}""";

    [Fact]
    public async Task Its_running_and_waiting_requests_fail_at_once_and_the_model_has_no_worker_left()
    {
        await using var server = await DynamoServer.StartAsync(Config(replicas: 1, maxBatchSize: 1), inProcess: typeof(CrashingEngineFactory).Assembly);
        using var running = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(Chat(2_000, stream: true), System.Text.Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        var waiting = server.PostJsonAsync("/v1/chat/completions", Chat(5));
        await Task.Delay(100);

        // The poison request kills the loop; none of the three hangs.
        using var poison = await server.PostJsonAsync("/v1/chat/completions", Chat(5, seed: CrashingEngineFactory.PoisonSeed)).WaitAsync(TimeSpan.FromSeconds(20));
        await ErrorTests.AssertErrorAsync(poison, HttpStatusCode.InternalServerError, null, "The crashing engine failed: poisoned by a test request");
        using var waited = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        await ErrorTests.AssertErrorAsync(waited, HttpStatusCode.InternalServerError, null, "The crashing engine failed");
        var events = await Sse.ReadAllAsync(running).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("The crashing engine failed", JsonDocument.Parse(events[^2]).RootElement.GetProperty("error").GetProperty("message").GetString());

        // The worker left: the model answers 503 no_workers, /health says not ready, the neighbour model still serves.
        using (var after = await server.PostJsonAsync("/v1/chat/completions", Chat(5)))
        {
            await ErrorTests.AssertErrorAsync(after, HttpStatusCode.ServiceUnavailable, "model", "No worker is serving the model 'fragile'");
            Assert.Contains("\"no_workers\"", await after.Content.ReadAsStringAsync());
        }
        using var health = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("notready", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("models").GetProperty("fragile").GetProperty("workers").GetInt32());
        Assert.False(body.GetProperty("models").GetProperty("fragile").GetProperty("ready").GetBoolean());
        Assert.True(body.GetProperty("models").GetProperty("steady").GetProperty("ready").GetBoolean());
        using (var steady = await server.PostJsonAsync("/v1/chat/completions", """{"model":"steady","messages":[{"role":"user","content":"ok"}]}"""))
            Assert.Equal(HttpStatusCode.OK, steady.StatusCode);

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(0, PrometheusText.Value(metrics, "dynamo_frontend_model_workers", "model=fragile"));
        Assert.Equal(1, PrometheusText.Value(metrics, "dynamo_frontend_worker_failures_total", "model=fragile"));
    }

    [Fact]
    public async Task Later_requests_go_to_the_workers_that_are_left()
    {
        await using var server = await DynamoServer.StartAsync(Config(replicas: 2, maxBatchSize: 4), inProcess: typeof(CrashingEngineFactory).Assembly);
        using (var poison = await server.PostJsonAsync("/v1/chat/completions", Chat(5, seed: CrashingEngineFactory.PoisonSeed)))
            Assert.Equal(HttpStatusCode.InternalServerError, poison.StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.PostJsonAsync("/v1/chat/completions", Chat(3))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("models").GetProperty("fragile").GetProperty("workers").GetInt32());
    }
}
