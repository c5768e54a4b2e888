using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;
using Microsoft.Extensions.Time.Testing;

namespace Dynamo.Abstractions.Tests.KvCache;

public sealed class KvSessionHoldsTests
{
    private static RequestMetadata Session(SessionAction? action, string id = "s1", int timeout = 60) =>
        action is { } a ? new RequestMetadata(null, null, new SessionControl(id, a, timeout)) : new RequestMetadata(new AgentContext(null, id, null, null), null);

    [Fact]
    public void An_open_session_holds_its_last_requests_blocks_until_close()
    {
        var holds = new KvSessionHolds<string>(new FakeTimeProvider());
        Assert.Empty(holds.Finished(Session(SessionAction.Open), "turn1", 100));
        Assert.Equal(100, holds.HeldTokens);
        // A later request of the session (by agent_context alone) takes over the hold; turn 1's blocks go.
        Assert.Equal(["turn1"], holds.Finished(Session(null), "turn2", 180));
        Assert.Equal(180, holds.HeldTokens);
        Assert.Equal(["turn2", "turn3"], holds.Finished(Session(SessionAction.Close), "turn3", 250));
        Assert.Equal((0, 0), (holds.HeldTokens, holds.Sessions));
    }

    [Fact]
    public void Requests_outside_open_sessions_release_at_once()
    {
        var holds = new KvSessionHolds<string>(new FakeTimeProvider());
        Assert.Equal(["plain"], holds.Finished(RequestMetadata.Empty, "plain", 10));
        Assert.Equal(["bound"], holds.Finished(Session(SessionAction.Bind), "bound", 10));
        Assert.Equal(["unopened"], holds.Finished(Session(null), "unopened", 10));
        Assert.Equal(0, holds.HeldTokens);
    }

    [Fact]
    public void A_session_idle_past_its_timeout_gives_its_blocks_back()
    {
        var clock = new FakeTimeProvider();
        var holds = new KvSessionHolds<string>(clock);
        holds.Finished(Session(SessionAction.Open, "short", timeout: 10), "a", 10);
        holds.Finished(Session(SessionAction.Open, "long", timeout: 100), "b", 20);
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(["a"], holds.Expire());
        Assert.Equal(20, holds.HeldTokens);
        clock.Advance(TimeSpan.FromSeconds(189));
        Assert.Equal(["b"], holds.Expire());
        Assert.Empty(holds.Expire());
    }
}
