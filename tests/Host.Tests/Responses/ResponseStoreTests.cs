using System.Text.Json;
using Dynamo.Host.Responses;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dynamo.Host.Tests.Responses;

/// <summary>The in-memory store of responses: bounded, oldest out first, deleted and expired entries gone.</summary>
public sealed class ResponseStoreTests
{
    private static ResponseObject Response(string id) => new(id, 0, "completed", "m", [], null, null, null, null, null, null,
        new ReasoningOut(null, null), true, null, null, true, JsonDocument.Parse("\"auto\"").RootElement, [], [], null);

    [Fact]
    public void Keeps_the_newest_entries_and_forgets_deleted_and_expired_ones()
    {
        var clock = new FakeTimeProvider();
        var store = new ResponseStore(Options.Create(new ResponsesOptions { StoreMaxEntries = 2, StoreTtlSeconds = 60 }), clock);
        foreach (var id in new[] { "a", "b", "c" })
            store.Put(Response(id), []);
        Assert.Null(store.Get("a")); // pushed out by c
        Assert.True(store.Delete("b"));
        Assert.False(store.Delete("b"));
        store.Put(Response("d"), []);
        store.Put(Response("e"), []);
        Assert.Null(store.Get("c")); // the oldest left, not a deleted id's place in line
        Assert.NotNull(store.Get("d"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(store.Get("e"));
        // Many stored and deleted ids leave nothing behind: the store still takes its two newest.
        for (var i = 0; i < 1000; i++)
        {
            store.Put(Response($"x{i}"), []);
            store.Delete($"x{i}");
        }
        store.Put(Response("f"), []);
        store.Put(Response("g"), []);
        Assert.NotNull(store.Get("f"));
        Assert.NotNull(store.Get("g"));
    }
}
