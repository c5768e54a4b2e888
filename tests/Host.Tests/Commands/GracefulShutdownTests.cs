using System.Net;
using System.Text;
using System.Text.Json;
using Dynamo.Dev.Cluster;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Commands;

/// <summary>
/// <c>dynamo serve</c> on SIGTERM: it drains. <c>/health</c> turns 503 while <c>/live</c> stays 200, new
/// requests get 503, the stream in flight runs to its end, and then the process exits cleanly.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_drains_the_stream_in_flight_refuses_new_work_then_exits()
    {
        var config = DynamoServer.WriteConfig(new
        {
            Dynamo = new
            {
                GracefulShutdownTimeoutSeconds = 20,
                Models = new[] { TestConfigs.Model("slow", new { Name = "mocker", DecodeItlMs = 40, OutputTokens = 50 }) },
            },
        });
        var port = FreePort.Next();
        await using var server = ChildProcess.Dynamo(DynamoServer.HostAssembly, "serve", "--config", config, "--urls", $"http://127.0.0.1:{port}");
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => server.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        for (var i = 0; i < 100 && (await http.GetAsync("/health")).StatusCode != HttpStatusCode.OK; i++)
            await Task.Delay(100);

        StringContent Chat(bool stream) => new(JsonSerializer.Serialize(new { model = "slow", messages = new[] { new { role = "user", content = "tell me" } }, stream }), Encoding.UTF8, "application/json");
        using var streamed = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(true) }, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await streamed.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        // Up to the first generated text: the stream is under way.
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
                break;
        }

        server.Signal("TERM");
        HttpResponseMessage health;
        for (var i = 0; ; i++)
        {
            health = await http.GetAsync("/health");
            if (health.StatusCode == HttpStatusCode.ServiceUnavailable || i == 100)
                break;
            await Task.Delay(20);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("\"draining\"", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/live")).StatusCode);
        using (var refused = await http.PostAsync("/v1/chat/completions", Chat(false)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("shutting_down", await refused.Content.ReadAsStringAsync());
        }

        // The stream in flight finishes whole: every token and [DONE].
        while (await reader.ReadLineAsync() is { } line)
            lines.Add(line);
        Assert.Equal("data: [DONE]", lines.Last(l => l.Length > 0));
        Assert.Contains(lines, l => l.Contains("\"finish_reason\":\"length\"", StringComparison.Ordinal) || l.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("draining 1 requests in flight", server.Output);
    }
}
