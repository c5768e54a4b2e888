using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Distributed.Tests;

/// <summary>
/// The distributed runtime end to end: a real nats-server, a frontend process and mocker worker
/// processes, driven over HTTP as a client would.
/// </summary>
public sealed class DistributedRuntimeTests(DistributedCluster cluster) : IClassFixture<DistributedCluster>
{
    // "user: " + 314 letters: the plain template's first 320 bytes, 20 whole blocks of 16.
    private static string Prefix(char letter) => new(letter, 314);

    [Fact]
    public async Task Kv_router_sends_a_prompt_back_to_the_worker_holding_its_prefix_where_round_robin_does_not()
    {
        await cluster.StartWorkersAsync("kv", 3);
        await cluster.StartWorkersAsync("rr", 3);
        foreach (var model in new[] { "kv", "rr" })
        {
            // Two prefixes land somewhere; the workers' KV events tell the frontend where.
            Assert.Equal(0, CachedTokens(await cluster.ChatAsync(model, Prefix('a'), 4)));
            Assert.Equal(0, CachedTokens(await cluster.ChatAsync(model, Prefix('b'), 4)));
        }
        await Task.Delay(300);

        // Each follow-up shares its 20-block prefix with one worker: kv finds it there every time.
        foreach (var (letter, i) in "abab".Select((l, i) => (l, i)))
            Assert.Equal(320, CachedTokens(await cluster.ChatAsync("kv", Prefix(letter) + $" then {i}", 4)));
        // Round-robin's third request goes to the one worker that saw neither prefix.
        Assert.Equal(0, CachedTokens(await cluster.ChatAsync("rr", Prefix('a') + " then a", 4)));
    }

    [Fact]
    public async Task A_frontend_that_starts_late_learns_the_workers_caches_and_routes_to_the_prefix_at_once()
    {
        await cluster.StartWorkersAsync("late", 3);
        // The first frontend spreads three prefixes over the three workers.
        foreach (var letter in "cde")
            Assert.Equal(0, CachedTokens(await cluster.ChatAsync("late", Prefix(letter), 4)));
        await Task.Delay(300);

        // A second frontend, started now, saw none of those events: it asks each worker what it holds.
        var (process, client) = await cluster.StartFrontendAsync();
        await using var _ = process;
        using var __ = client;
        int Learned() => process.Output.Split('\n').Count(l => l.Contains("cached KV blocks of worker late-", StringComparison.Ordinal));
        for (var i = 0; i < 100 && Learned() < 3; i++)
            await Task.Delay(100);
        Assert.Equal(3, Learned());
        // In another order than the first frontend's, so taking turns could not land them by chance.
        foreach (var letter in "ecd")
            Assert.Equal(320, CachedTokens(await cluster.ChatAsync("late", Prefix(letter) + " again", 4, client: client)));
    }

    [Fact]
    public async Task Two_frontends_share_their_routers_load_so_alternating_requests_spread_over_every_worker()
    {
        await cluster.StartWorkersAsync("pair", 4);
        var (process, second) = await cluster.StartFrontendAsync();
        await using var _ = process;
        using var __ = second;
        for (var i = 0; i < 100 && !(await second.GetStringAsync("/v1/models")).Contains("\"pair\"", StringComparison.Ordinal); i++)
            await Task.Delay(100);
        await Task.Delay(500); // the second frontend has met all four workers

        // Six long requests, alternating frontends, each under way before the next: alone, each
        // router would send its three to the same first three workers; sharing load, they spread.
        var streams = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            streams.Add(await cluster.ChatAsync("pair", $"request {i} " + new string('x', 40), 40, stream: true, HttpCompletionOption.ResponseHeadersRead, i % 2 == 0 ? null : second));
            await Task.Delay(150);
        }
        var counts = new Dictionary<string, double>();
        for (var i = 0; i < 50 && counts.Values.Sum() < 6; i++)
        {
            await Task.Delay(100);
            var metrics = await cluster.Client.GetStringAsync("/metrics");
            counts = Enumerable.Range(0, 4).ToDictionary(w => $"pair-{w}", w => PrometheusText.Value(metrics, "dynamo_worker_active_requests", "model=pair", $"worker=pair-{w}"));
        }
        Assert.True(counts.Values.Sum() == 6 && counts.Values.Max() - counts.Values.Min() <= 1, string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        foreach (var stream in streams)
            stream.Dispose();
    }

    [Fact]
    public async Task Killing_the_worker_mid_stream_migrates_the_request_and_the_client_sees_one_whole_stream()
    {
        var workers = await cluster.StartWorkersAsync("migrate", 3);
        await using var loads = await LoadWatcher.StartAsync(cluster.NatsUrl);
        const int maxTokens = 120;
        using var response = await cluster.ChatAsync("migrate", "Tell me a long story.", maxTokens, stream: true, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonElement>();
        var killed = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            events.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
            if (!killed && events.Count == 10)
            {
                var busy = await loads.WaitAsync(l => l.Values.Sum() == 1, TimeSpan.FromSeconds(10));
                workers[busy.Single(kv => kv.Value == 1).Key].Kill();
                killed = true;
            }
        }

        Assert.True(killed);
        Assert.DoesNotContain(events, e => e.TryGetProperty("error", out _));
        var content = string.Concat(events.Where(e => e.GetProperty("choices").GetArrayLength() > 0)
            .Select(e => e.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : ""));
        Assert.Equal(maxTokens, content.Length); // one byte per token, none lost, none repeated
        Assert.Equal("length", events.Last(e => e.GetProperty("choices").GetArrayLength() > 0).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = events.Last().GetProperty("usage");
        Assert.Equal(maxTokens, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal("user: Tell me a long story.\nassistant:".Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Contains("migrating with", cluster.FrontendOutput);
    }

    [Fact]
    public async Task A_worker_that_stops_renewing_its_lease_leaves_routing_and_returns_when_it_renews()
    {
        var workers = await cluster.StartWorkersAsync("lease", 3);
        workers["lease-1"].Signal("STOP");
        await cluster.WaitForWorkersAsync("lease", ids => ids.Count == 2 && !ids.Contains("lease-1"));

        // Round-robin over the two left: none of these waits on the hung worker.
        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.OK, (await cluster.ChatAsync("lease", $"request {i}", 4)).StatusCode);
        Assert.DoesNotContain("migrating with", cluster.FrontendOutput.Split('\n').Where(l => l.Contains("lease-")).Aggregate("", string.Concat));

        workers["lease-1"].Signal("CONT");
        await cluster.WaitForWorkersAsync("lease", ids => ids.Count == 3);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_work_on_the_worker()
    {
        await cluster.StartWorkersAsync("cancel", 1);
        await using var loads = await LoadWatcher.StartAsync(cluster.NatsUrl);
        var response = await cluster.ChatAsync("cancel", "Go on for a long time.", 4000, stream: true, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        for (var lines = 0; lines < 10; lines++)
            await reader.ReadLineAsync();
        await loads.WaitAsync(l => l.GetValueOrDefault("cancel-0") == 1, TimeSpan.FromSeconds(10));

        response.Dispose();
        // 4000 tokens at 20 ms would take 80 s; the worker drops the request as soon as the frontend tells it.
        await loads.WaitAsync(l => l.GetValueOrDefault("cancel-0") == 0, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_model_with_no_worker_answers_503_in_OpenAI_error_format()
    {
        using var response = await cluster.ChatAsync("nobody", "Anyone there?", 4);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Contains("No worker is serving the model 'nobody'", error.GetProperty("message").GetString());
        Assert.Equal("service_unavailable", error.GetProperty("type").GetString());
        Assert.Equal("no_workers", error.GetProperty("code").GetString());
    }

    private static int CachedTokens(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(response.Content.ReadAsStream());
            return body.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        }
    }

    [Fact]
    public async Task A_worker_serves_its_metrics_and_health_on_its_system_port()
    {
        var port = Dev.Cluster.FreePort.Next();
        var workers = await cluster.StartWorkersAsync("system", 1, "--system-port", port.ToString());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Dev.Cluster.FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => workers["system-0"].Output);

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("system-0", body.GetProperty("models").GetProperty("system").GetProperty("instances")[0].GetString());

        using (var chat = await cluster.ChatAsync("system", "count me", 5))
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(0, PrometheusText.Value(metrics, "dynamo_worker_active_requests", "model=system", "worker=system-0"));
        Assert.True(PrometheusText.Value(metrics, "dynamo_worker_active_kv_blocks", "model=system", "worker=system-0") >= 0);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/live")).StatusCode);
    }
}
