using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dynamo.Distributed.Tests;

/// <summary>
/// Disaggregated serving across processes: a prefill worker and a decode worker of stories260K, a real
/// nats-server for control and the TCP data plane for the KV. Greedy text must be what one worker alone
/// writes, also when the prefill worker dies while the decode worker is pulling its blocks.
/// </summary>
public sealed class DisaggregatedServingTests(DistributedCluster cluster) : IClassFixture<DistributedCluster>
{
    private const string Story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. One day, she saw a big red ball under a tree. She ran to get it, but a dog got there first. The dog";

    private async Task<string> CompleteAsync(string model, string prompt, string requestId, int maxTokens = 32)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model, prompt, max_tokens = maxTokens, temperature = 0, ignore_eos = true }),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await cluster.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    // Which workers the trace says served the request with this x-request-id: (prefill, decode).
    private async Task<(string Prefill, string Decode)> WorkersOfAsync(string requestId)
    {
        for (var i = 0; i < 50; i++)
        {
            if (File.Exists(cluster.TracePath))
                foreach (var line in File.ReadAllLines(cluster.TracePath))
                {
                    var request = JsonDocument.Parse(line).RootElement.GetProperty("event").GetProperty("request");
                    if (request.TryGetProperty("x_request_id", out var id) && id.GetString() == requestId)
                    {
                        var worker = request.GetProperty("worker");
                        return (worker.GetProperty("prefill_worker_id").GetString()!, worker.GetProperty("decode_worker_id").GetString()!);
                    }
                }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No trace record for {requestId}.");
    }

    [Fact]
    public async Task Greedy_text_is_the_same_when_one_process_prefills_and_another_decodes()
    {
        await cluster.StartWorkerAsync("stories", "stories-both");
        await cluster.StartWorkerAsync("stories-disagg", "stories-disagg-prefill", "--role", "prefill");
        await cluster.StartWorkerAsync("stories-disagg", "stories-disagg-decode", "--role", "decode");

        // Longer than a block; then the same story with more (its start cached on the decode worker, copied in); then a short one.
        string[] prompts = [Story[..120], Story, "Once upon a time"];
        foreach (var (prompt, i) in prompts.Select((p, i) => (p, i)))
            Assert.Equal(await CompleteAsync("stories", prompt, $"whole-{i}"), await CompleteAsync("stories-disagg", prompt, $"split-{i}"));

        Assert.Equal(("stories-disagg-prefill", "stories-disagg-decode"), await WorkersOfAsync("split-0"));
        Assert.Equal(("stories-disagg-prefill", "stories-disagg-decode"), await WorkersOfAsync("split-1"));
        Assert.Equal(("stories-disagg-decode", "stories-disagg-decode"), await WorkersOfAsync("split-2"));
    }

    [Fact]
    public async Task A_prefill_worker_killed_mid_transfer_still_leaves_one_whole_stream_with_the_same_text()
    {
        await cluster.StartWorkerAsync("stories", "stories-cut-reference");
        // The prefill worker's data plane is slowed down, so the kill lands while the decode worker is pulling.
        var prefill = await cluster.StartWorkerAsync("stories-cut", "stories-cut-prefill", "--role", "prefill", "--Dynamo:KvDataPlane:MaxBytesPerSecond=100000");
        var decode = await cluster.StartWorkerAsync("stories-cut", "stories-cut-decode", "--role", "decode");
        var expected = await CompleteAsync("stories", Story, "cut-reference", maxTokens: 24);

        using var response = await cluster.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = "stories-cut", prompt = Story, max_tokens = 24, temperature = 0, ignore_eos = true, stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var (text, killed, finish) = ("", false, (string?)null);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            var chunk = JsonDocument.Parse(line[6..]).RootElement;
            Assert.False(chunk.TryGetProperty("error", out _), line);
            if (chunk.GetProperty("choices").GetArrayLength() == 0)
                continue;
            var choice = chunk.GetProperty("choices")[0];
            text += choice.GetProperty("text").GetString();
            finish ??= choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (!killed && text.Length > 0)
            {
                // The first token came from the prefill worker; the decode worker is pulling its KV now.
                await Task.Delay(400);
                prefill.Kill();
                killed = true;
            }
        }

        Assert.True(killed);
        Assert.Equal("length", finish);
        Assert.Equal(expected, text);
        Assert.Contains("the rest is prefilled here", decode.Output);
    }
}
