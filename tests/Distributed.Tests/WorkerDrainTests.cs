using System.Net;
using System.Text.Json;
using Dynamo.Dev.Cluster;

namespace Dynamo.Distributed.Tests;

/// <summary>
/// <c>dynamo worker</c> on SIGTERM (a planner scaling down, a rolling update): it leaves the registry at once, so new
/// work goes elsewhere, and its requests in flight finish there (<c>Dynamo:Nats:DrainTimeoutMs</c>) before it exits;
/// with no drain time they migrate at once. Either way the client sees one whole stream.
/// </summary>
public sealed class WorkerDrainTests(DistributedCluster cluster) : IClassFixture<DistributedCluster>
{
    private const int MaxTokens = 100;

    [Fact]
    public async Task A_stopped_worker_leaves_routing_at_once_and_finishes_its_stream_before_it_exits()
    {
        var workers = await cluster.StartWorkersAsync("finish", 2);
        var (content, stopped) = await StreamAndStopTheBusyWorkerAsync(workers, "finish", async () =>
        {
            // Left at once, while its stream is still going: a new request goes to the other worker, the stream goes on.
            await cluster.WaitForWorkersAsync("finish", ids => ids.Count == 1);
            Assert.Equal(HttpStatusCode.OK, (await cluster.ChatAsync("finish", "meanwhile", 4)).StatusCode);
        });

        Assert.Equal(MaxTokens, content.Length); // one byte per token, none lost, none repeated
        Assert.Equal(0, await stopped.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("drains: 1 requests in flight", stopped.Output);
        Assert.DoesNotContain(cluster.FrontendOutput.Split('\n'), l => l.Contains("'finish-", StringComparison.Ordinal) && l.Contains("migrating with", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_drain_time_the_stream_migrates_at_once()
    {
        var workers = await cluster.StartWorkersAsync("handover", 2, "--Dynamo:Nats:DrainTimeoutMs=0");
        var (content, stopped) = await StreamAndStopTheBusyWorkerAsync(workers, "handover", () => Task.CompletedTask);

        Assert.Equal(MaxTokens, content.Length);
        Assert.Equal(0, await stopped.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(cluster.FrontendOutput.Split('\n'), l => l.Contains("'handover-", StringComparison.Ordinal) && l.Contains("migrating with", StringComparison.Ordinal));
    }

    /// <summary>Streams a long answer, sends SIGTERM to the worker serving it after ten chunks, runs <paramref name="meanwhile"/>, reads the rest.</summary>
    private async Task<(string Content, ChildProcess Stopped)> StreamAndStopTheBusyWorkerAsync(
        Dictionary<string, ChildProcess> workers, string model, Func<Task> meanwhile)
    {
        await using var loads = await LoadWatcher.StartAsync(cluster.NatsUrl);
        using var response = await cluster.ChatAsync(model, "Tell me a long story.", MaxTokens, stream: true, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonElement>();
        ChildProcess? stopped = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            events.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
            if (stopped is null && events.Count == 10)
            {
                var busy = await loads.WaitAsync(l => l.Where(kv => kv.Key.StartsWith(model + "-", StringComparison.Ordinal)).Sum(kv => kv.Value) == 1, TimeSpan.FromSeconds(10));
                stopped = workers[busy.Single(kv => kv.Key.StartsWith(model + "-", StringComparison.Ordinal) && kv.Value == 1).Key];
                stopped.Signal("TERM");
                await meanwhile();
            }
        }
        Assert.NotNull(stopped);
        Assert.DoesNotContain(events, e => e.TryGetProperty("error", out _));
        var content = string.Concat(events.Where(e => e.GetProperty("choices").GetArrayLength() > 0)
            .Select(e => e.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : ""));
        return (content, stopped);
    }
}
