using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dynamo.Runtime.Models;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Pipeline;

/// <summary>
/// Busy thresholds end to end: one mocker worker whose KV cache a single long request fills past the
/// threshold; then new requests get 529 in each API's shape (reject) or wait their turn by strict tier
/// and priority (queue), and <c>/busy_threshold</c> reads and changes the thresholds at run time.
/// </summary>
public sealed class BusyThresholdTests
{
    // 600 prompt + 40 output tokens need 40 of the 64 blocks: over a 0.5 share while it runs.
    private static readonly string Long = new('x', 600);

    /// <param name="itlMs">Decode step: the long request holds the worker for 40 of them.</param>
    private static object Config(string mode, object? apiKeys = null, int itlMs = 25) => new
    {
        Dynamo = new
        {
            ApiKeys = apiKeys,
            Models = new[]
            {
                TestConfigs.Model("shed", new { Name = "mocker", DecodeItlMs = itlMs, OutputTokens = 40, KvBlockSize = 16, KvCapacityBlocks = 64, MaxContextLength = 1024 },
                    new { BusyThresholds = new { ActiveDecodeBlocks = 0.5, Mode = mode } }),
            },
        },
    };

    private static string Chat(string content, bool stream = false, object? hints = null) => JsonSerializer.Serialize(new
    {
        model = "shed",
        messages = new[] { new { role = "user", content } },
        stream,
        nvext = hints is null ? null : new { agent_hints = hints },
    });

    private static async Task WhileBusy(DynamoServer server, Func<Task> act)
    {
        var model = ((ModelRegistry)server.App.Services.GetService(typeof(ModelRegistry))!).Find("shed")!;
        var running = server.PostJsonAsync("/v1/chat/completions", Chat(Long));
        for (var i = 0; i < 200 && !model.Busy.AllBusy(model.Workers); i++)
            await Task.Delay(10);
        Assert.True(model.Busy.AllBusy(model.Workers), "the long request never made the worker busy");
        await act();
        using var done = await running;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task In_reject_mode_a_request_while_every_worker_is_busy_gets_529_in_each_API_s_shape_and_later_ones_pass()
    {
        // 4 s busy: long enough for the four refusals even on a loaded machine.
        await using var server = await DynamoServer.StartAsync(Config("reject", itlMs: 100));
        await WhileBusy(server, async () =>
        {
            using var openAi = await server.PostJsonAsync("/v1/chat/completions", Chat("hi"));
            Assert.Equal(529, (int)openAi.StatusCode);
            using (var body = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync()))
                Assert.Equal(("overloaded", "overloaded"), (body.RootElement.GetProperty("error").GetProperty("type").GetString(), body.RootElement.GetProperty("error").GetProperty("code").GetString()));

            // A stream is refused before it starts: the status says so, not an event.
            using var streamed = await server.PostJsonAsync("/v1/chat/completions", Chat("hi", stream: true));
            Assert.Equal(529, (int)streamed.StatusCode);

            using var anthropic = await server.PostJsonAsync("/v1/messages", """{"model":"shed","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""");
            Assert.Equal(529, (int)anthropic.StatusCode);
            using (var body = JsonDocument.Parse(await anthropic.Content.ReadAsStringAsync()))
                Assert.Equal(("error", "overloaded_error"), (body.RootElement.GetProperty("type").GetString(), body.RootElement.GetProperty("error").GetProperty("type").GetString()));

            using var responses = await server.PostJsonAsync("/v1/responses", """{"model":"shed","input":"hi","max_output_tokens":8}""");
            Assert.Equal(529, (int)responses.StatusCode);
        });
        using var after = await server.PostJsonAsync("/v1/chat/completions", Chat("hi"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(4, PrometheusText.Value(metrics, "dynamo_frontend_rejected_requests_total", "reason=overloaded"));
    }

    [Fact]
    public async Task In_queue_mode_waiting_requests_go_by_strict_tier_then_priority_when_the_worker_frees()
    {
        await using var server = await DynamoServer.StartAsync(Config("queue", itlMs: 50));
        var finished = new List<string>();
        await WhileBusy(server, async () =>
        {
            Task Send(string name, object? hints, (string, string)? header = null) => Task.Run(async () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat(Long, hints: hints), System.Text.Encoding.UTF8, "application/json") };
                if (header is { } h)
                    request.Headers.Add(h.Item1, h.Item2);
                using var response = await server.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                lock (finished)
                    finished.Add(name);
            });
            var model = ((ModelRegistry)server.App.Services.GetService(typeof(ModelRegistry))!).Find("shed")!;
            var plain = Send("plain", null);
            var high = Send("priority-9", new { priority = 9 });
            var tier = Send("strict-1", new { priority = -5, strict_priority = 1 });
            var header = Send("strict-2-by-header", null, ("x-dynamo-request-strict-priority", "2"));
            for (var i = 0; i < 200 && model.QueueDepth < 4; i++)
                await Task.Delay(10);
            Assert.Equal(4, model.QueueDepth);
            await Task.WhenAll(plain, high, tier, header);
        });
        // Each fills the worker past the threshold again, so they run one at a time, in queue order.
        Assert.Equal(["strict-2-by-header", "strict-1", "priority-9", "plain"], finished);
    }

    [Fact]
    public async Task Busy_threshold_reads_and_changes_the_thresholds_behind_the_API_keys()
    {
        await using var server = await DynamoServer.StartAsync(Config("reject", new[] { "sk-1" }));
        using var anonymous = await server.Client.GetAsync("/busy_threshold");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-1");

        using (var list = JsonDocument.Parse(await server.Client.GetStringAsync("/busy_threshold")))
        {
            var entry = Assert.Single(list.RootElement.GetProperty("thresholds").EnumerateArray());
            Assert.Equal(("shed", 0.5, "reject"), (entry.GetProperty("model").GetString(), entry.GetProperty("active_decode_blocks_threshold").GetDouble(), entry.GetProperty("mode").GetString()));
            Assert.Equal(JsonValueKind.Null, entry.GetProperty("active_prefill_tokens_threshold").ValueKind);
        }

        using var changed = await server.PostJsonAsync("/busy_threshold", """{"model":"shed","active_decode_blocks_threshold":null,"active_prefill_tokens_threshold":5000,"mode":"queue"}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using (var entry = JsonDocument.Parse(await changed.Content.ReadAsStringAsync()))
        {
            Assert.Equal(JsonValueKind.Null, entry.RootElement.GetProperty("active_decode_blocks_threshold").ValueKind);
            Assert.Equal((5000, "queue"), (entry.RootElement.GetProperty("active_prefill_tokens_threshold").GetInt64(), entry.RootElement.GetProperty("mode").GetString()));
        }
        var model = ((ModelRegistry)server.App.Services.GetService(typeof(ModelRegistry))!).Find("shed")!;
        Assert.Equal(5000, model.Busy.Thresholds.ActivePrefillTokens);

        foreach (var (body, param, status) in new[]
        {
            ("""{"model":"shed","active_decode_blocks_threshold":1.5}""", (string?)null, HttpStatusCode.BadRequest),
            ("""{"model":"shed","active_prefill_tokens_threshold":10.5}""", "active_prefill_tokens_threshold", HttpStatusCode.BadRequest),
            ("""{"model":"shed","mode":"drop"}""", "mode", HttpStatusCode.BadRequest),
            ("""{"model":"shed","threshold":3}""", "threshold", HttpStatusCode.BadRequest),
            ("""{"active_prefill_tokens_threshold":3}""", "model", HttpStatusCode.BadRequest),
            ("""{"model":"nope"}""", "model", HttpStatusCode.NotFound),
        })
        {
            using var bad = await server.PostJsonAsync("/busy_threshold", body);
            Assert.Equal(status, bad.StatusCode);
            using var error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
            if (param is not null)
                Assert.Equal(param, error.RootElement.GetProperty("error").GetProperty("param").GetString());
        }
    }
}
