using System.Net;
using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Time.Testing;
using Dynamo.Runtime.Models;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Pipeline;

/// <summary><c>nvext.session_control</c>: sticky routing with a sliding timeout, and bad input refused.</summary>
public sealed class SessionRoutingTests
{
    private static RequestMetadata Meta(SessionAction? action, int timeout = 10) =>
        new(new AgentContext(null, "s1", null, null), null, action is { } a ? new SessionControl("s1", a, timeout) : null);

    /// <summary>A worker as routing sees it: an id and the load it reports (it never runs anything here).</summary>
    private sealed class StubWorker(string id, int queuedPrefillTokens = 0) : IWorker
    {
        public string WorkerId => id;
        public EngineDescriptor Descriptor { get; } = new(16, 1024, 8192, 8);
        public EngineLoad Load => new(0, 0, 0, queuedPrefillTokens);
        public IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static readonly IWorker[] All = [new StubWorker("w1"), new StubWorker("w2")];

    [Fact]
    public void A_binding_slides_with_each_request_lapses_when_idle_and_ends_on_close()
    {
        var clock = new FakeTimeProvider();
        var sessions = new SessionAffinity(clock);
        sessions.Routed(Meta(SessionAction.Bind), "w2");
        Assert.Equal("w2", sessions.WorkerFor(Meta(null), All));
        Assert.Null(sessions.WorkerFor(Meta(null), [All[0]])); // its worker is gone: route afresh

        clock.Advance(TimeSpan.FromSeconds(8));
        sessions.Routed(Meta(null), "w2");                                // a request at 8 s renews it
        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal("w2", sessions.WorkerFor(Meta(null), All));
        clock.Advance(TimeSpan.FromSeconds(14));                          // idle 22 s > 10 s
        Assert.Null(sessions.WorkerFor(Meta(null), All));
        Assert.Equal(0, sessions.Count);

        sessions.Routed(Meta(SessionAction.Open), "w1");
        Assert.Equal("w1", sessions.WorkerFor(Meta(SessionAction.Close), All));
        sessions.Routed(Meta(SessionAction.Close), "w1");
        Assert.Null(sessions.WorkerFor(Meta(null), All));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Router_affinity_binds_a_session_by_its_first_request_and_soft_affinity_yields_while_the_worker_is_busy(bool soft)
    {
        var clock = new FakeTimeProvider();
        var busy = new BusyGate(new BusyThresholds(null, 1000, null, BusyMode.Queue));
        var sessions = new SessionAffinity(clock, new SessionAffinityOptions(TtlSeconds: 30, Soft: soft), busy);
        sessions.Routed(Meta(null), "w1");                               // no session_control: affinity binds it
        Assert.Equal("w1", sessions.WorkerFor(Meta(null), All));

        IWorker[] loaded = [new StubWorker("w1", queuedPrefillTokens: 5000), All[1]];
        // Hard affinity keeps to the worker; soft lets the router choose while it is over its threshold.
        Assert.Equal(soft ? null : "w1", sessions.WorkerFor(Meta(null), loaded));
        if (soft)
        {
            sessions.Routed(Meta(null), "w2");                           // the router's choice becomes the binding
            Assert.Equal("w2", sessions.WorkerFor(Meta(null), loaded));
        }
        // An explicit bind is never soft.
        sessions.Routed(Meta(SessionAction.Bind), "w1");
        Assert.Equal("w1", sessions.WorkerFor(Meta(null), loaded));

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(sessions.WorkerFor(Meta(null), All));                // idle past the TTL
    }

    private static string Body(string content, string? action, string session = "s1") => JsonSerializer.Serialize(new
    {
        model = "trio",
        messages = new[] { new { role = "user", content } },
        max_tokens = 2,
        nvext = new
        {
            agent_context = new { session_id = session },
            session_control = action is null ? null : new { session_id = session, action, timeout = 60 },
        },
    });

    private static async Task<int> CachedTokens(DynamoServer server, string body)
    {
        using var response = await server.PostJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
    }

    [Fact]
    public async Task A_bound_session_stays_on_its_worker_where_round_robin_would_move_it()
    {
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { TestConfigs.Model("trio", new { Name = "mocker", DecodeItlMs = 0, KvBlockSize = 4 }, new { Replicas = 3, Router = "round-robin" }) } },
        });
        var history = new string('h', 60);
        Assert.Equal(0, await CachedTokens(server, Body(history, "bind")));
        // Three more turns: round-robin alone would send them to the two other workers first.
        for (var turn = 1; turn <= 3; turn++)
            Assert.True(await CachedTokens(server, Body(history + $" turn {turn}", null)) >= 60, $"turn {turn} left its worker");

        Assert.True(await CachedTokens(server, Body(history + " bye", "close")) >= 60);
        Assert.Equal(0, server.Model("trio").BoundSessions);
    }

    [Theory]
    [InlineData("""{"session_id":"s","action":"pin"}""", "nvext.session_control.action")]
    [InlineData("""{"action":"open"}""", "nvext.session_control.session_id")]
    [InlineData("""{"session_id":"s","action":"open","timeout":0}""", "nvext.session_control.timeout")]
    public async Task Bad_session_control_is_a_400_naming_the_field(string control, string param)
    {
        await using var server = await DynamoServer.StartAsync(TestConfigs.Default());
        using var response = await server.PostJsonAsync("/v1/chat/completions",
            """{"model":"mock","messages":[{"role":"user","content":"hi"}],"nvext":{"session_control":""" + control + "}}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, error.RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
