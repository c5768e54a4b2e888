using Dynamo.Runtime.Workers;
using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

public sealed class EndpointTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(TestConfigs.Default());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ModelsListsEveryConfiguredModel()
    {
        var json = JsonDocument.Parse(await _server.Client.GetStringAsync("/v1/models")).RootElement;

        Assert.Equal("list", json.GetProperty("object").GetString());
        var models = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["mock", "echo"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task HealthAndLiveAnswer()
    {
        using var health = await _server.Client.GetAsync("/health");
        using var live = await _server.Client.GetAsync("/live");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        foreach (var model in new[] { "mock", "echo" })
        {
            Assert.Equal(1, body.GetProperty("models").GetProperty(model).GetProperty("workers").GetInt32());
            Assert.True(body.GetProperty("models").GetProperty(model).GetProperty("ready").GetBoolean());
        }
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task CompletionsNonStreamAndStream()
    {
        using var whole = await _server.PostJsonAsync("/v1/completions", """{"model":"echo","prompt":"Once upon","max_tokens":4}""");
        var json = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("text_completion", json.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", json.GetProperty("id").GetString());
        // The byte tokenizer adds BOS (no text) for a raw prompt: "Onc" are the next three tokens.
        Assert.Equal("Onc", json.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("length", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(10, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        using var streamed = await _server.PostJsonAsync("/v1/completions", """{"model":"mock","prompt":[72,105],"max_tokens":6,"stream":true,"stream_options":{"include_usage":true}}""");
        var events = await Sse.ReadAllAsync(streamed);
        var chunks = Sse.Json(events);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        Assert.Equal(6, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(6, string.Concat(chunks.SkipLast(1).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())).Length);
    }

    [Fact]
    public async Task MetricsUseDynamosNamesAndCountRequests()
    {
        // Its own model name: every host in this process exports the same meters, so counts are per model.
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { TestConfigs.Model("counted", new { Name = "mocker", DecodeItlMs = 0.5, PrefillTokensPerSecond = 1_000_000, OutputTokens = 24 }) } },
        });
        using (await server.PostJsonAsync("/v1/chat/completions", """{"model":"counted","messages":[{"role":"user","content":"Hi"}],"max_tokens":5}""")) { }
        using (var s = await server.PostJsonAsync("/v1/chat/completions", """{"model":"counted","messages":[{"role":"user","content":"Hi"}],"max_tokens":5,"stream":true}"""))
            await Sse.ReadAllAsync(s);

        var metrics = await server.Client.GetStringAsync("/metrics");

        double Value(string name, params string[] labels) => PrometheusText.Value(metrics, name, ["model=counted", .. labels]);
        Assert.Equal(1, Value("dynamo_frontend_requests_total", "endpoint=chat_completions", "request_type=unary", "status=success"));
        Assert.Equal(1, Value("dynamo_frontend_requests_total", "endpoint=chat_completions", "request_type=stream", "status=success"));
        Assert.Equal(0, Value("dynamo_frontend_inflight_requests"));
        Assert.Equal(10, Value("dynamo_frontend_output_sequence_tokens_sum"));
        Assert.Equal(2, Value("dynamo_frontend_time_to_first_token_seconds_count"));
        Assert.Equal(8, Value("dynamo_frontend_inter_token_latency_seconds_count"));
        Assert.Equal(2, Value("dynamo_frontend_input_sequence_tokens_count"));
        Assert.Equal(2, Value("dynamo_frontend_request_duration_seconds_count"));
        Assert.Equal(1, Value("dynamo_frontend_model_workers"));
        Assert.Equal(0, Value("dynamo_frontend_queued_requests"));
        Assert.Equal(0, Value("dynamo_worker_active_requests", "worker=counted/0"));
    }

    [Fact]
    public async Task ClientDisconnectCancelsTheEngineRequest()
    {
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { TestConfigs.Model("slow", new { Name = "mocker", DecodeItlMs = 20, OutputTokens = 5000, MaxContextLength = 8192 }) } },
        });
        var engine = ((LocalWorker)server.Model("slow").Workers[0]).Engine;
        using var cts = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"slow","messages":[{"role":"user","content":"Hi"}],"stream":true}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        for (var events = 0; events < 4;)
            if ((await reader.ReadLineAsync(cts.Token))!.StartsWith("data: "))
                events++;
        Assert.Equal(1, engine.Load.ActiveRequests);

        await cts.CancelAsync();
        response.Dispose();

        // 5000 tokens at 20 ms would take 100 s; the engine must let go long before.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.Load.ActiveRequests > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(0, engine.Load.ActiveRequests);
        Assert.Equal(0, engine.Load.ActiveKvBlocks);
    }

    [Fact]
    public async Task ReplicasAreWorkersBehindTheRouter()
    {
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { TestConfigs.Model("pair", new { Name = "mocker", DecodeItlMs = 0, KvBlockSize = 4 }, new { Replicas = 2, Router = "round-robin" }) } },
        });
        var workers = server.Model("pair").Workers.Cast<LocalWorker>().ToList();
        var stored = workers.ToDictionary(w => w.WorkerId, _ => 0);
        foreach (var worker in workers)
            worker.Engine.KvEventPublished += e => { lock (stored) stored[worker.WorkerId]++; };

        for (var i = 0; i < 4; i++)
            using (await server.PostJsonAsync("/v1/chat/completions", $$"""{"model":"pair","messages":[{"role":"user","content":"request {{i}}"}],"max_tokens":8}""")) { }

        Assert.Equal(["pair/0", "pair/1"], stored.Keys);
        Assert.All(stored.Values, count => Assert.True(count > 0)); // both workers served and cached blocks
    }
}
