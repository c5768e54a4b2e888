using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Disaggregation;

/// <summary>
/// Disaggregated prefill and decode in one process on the default model (stories260K): a prefill worker
/// computes the prompt's KV and first token, the decode worker copies the KV in and goes on. Greedy text
/// must be what one worker writes alone; the request trace says which worker did which part.
/// </summary>
public sealed class DisaggregationTests : IAsyncLifetime, IDisposable
{
    private readonly string _trace = Path.Combine(Directory.CreateTempSubdirectory("dynamo-disagg-").FullName, "trace.jsonl");
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            RequestTrace = new { Enabled = true, Records = new[] { "request_end" }, FileFormat = "jsonl", FilePath = _trace },
            Models = new[]
            {
                TestConfigs.Stories("aggregated"),
                TestConfigs.Stories("disaggregated", new { PrefillReplicas = 1, MaxLocalPrefillLength = 24 }),
            },
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_trace)!, recursive: true);

    private async Task<string> CompleteAsync(string model, string prompt, string id)
    {
        var body = JsonSerializer.Serialize(new { model, prompt, max_tokens = 40, temperature = 0, ignore_eos = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", id);
        using var response = await _server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    // The request_end records of the disaggregated model, by the worker ids they name.
    private List<(string Prefill, string Decode)> Workers() => [.. File.ReadAllLines(_trace)
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event"))
        .Where(r => r.GetProperty("event_type").GetString() == "request_end" && r.GetProperty("request").GetProperty("model").GetString() == "disaggregated")
        .Select(r => r.GetProperty("request").GetProperty("worker"))
        .Select(w => (w.GetProperty("prefill_worker_id").GetString()!, w.GetProperty("decode_worker_id").GetString()!))];

    [Fact]
    public async Task Greedy_text_is_the_same_aggregated_and_disaggregated_and_the_trace_names_both_workers()
    {
        const string story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. One day, she saw a big red ball";
        const string more = " under a tree. She ran to get it, but a dog got there first. The dog";
        string[] prompts = [story, story + more, "Once upon a time"];
        foreach (var (prompt, i) in prompts.Select((p, i) => (p, i)))
            Assert.Equal(await CompleteAsync("aggregated", prompt, $"agg-{i}"), await CompleteAsync("disaggregated", prompt, $"dis-{i}"));

        await Task.Delay(500); // the trace writer flushes in the background
        var workers = Workers();
        Assert.Equal(3, workers.Count);
        // A long prompt: prefilled on the prefill worker, decoded on the decode worker.
        Assert.Equal(("disaggregated/prefill/0", "disaggregated/0"), workers[0]);
        // The same story and more: the decode worker holds the story (copied in), so only the rest is new. It is
        // still over the local limit here, so the prefill worker takes it again, and the text is still the same.
        Assert.Equal("disaggregated/0", workers[1].Decode);
        // A short prompt is prefilled where it is decoded.
        Assert.Equal(("disaggregated/0", "disaggregated/0"), workers[2]);
    }
}
