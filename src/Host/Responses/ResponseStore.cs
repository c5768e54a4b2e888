using Dynamo.Abstractions.Requests;
using Microsoft.Extensions.Options;

namespace Dynamo.Host.Responses;

/// <summary>
/// Stored responses, in memory and bounded: at most <see cref="ResponsesOptions.StoreMaxEntries"/> (the
/// oldest leave first), each for <see cref="ResponsesOptions.StoreTtlSeconds"/>. Each keeps the response
/// object (for <c>GET</c>) and the conversation up to and including its output (for <c>previous_response_id</c>).
/// </summary>
internal sealed class ResponseStore(IOptions<ResponsesOptions> options, TimeProvider clock)
{
    public sealed record Entry(ResponseObject Response, IReadOnlyList<ChatMessage> Conversation, long StoredAt);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Entry Entry, LinkedListNode<string> Node)> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new(); // oldest first; deleted and expired ids leave it too

    public void Put(ResponseObject response, IReadOnlyList<ChatMessage> conversation)
    {
        lock (_lock)
        {
            Remove(response.Id);
            _entries[response.Id] = (new Entry(response, conversation, clock.GetTimestamp()), _order.AddLast(response.Id));
            while (_entries.Count > options.Value.StoreMaxEntries)
                Remove(_order.First!.Value);
        }
    }

    /// <returns>The entry, or null when it was never stored, was deleted, was pushed out or has expired.</returns>
    public Entry? Get(string id)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out var stored))
                return null;
            if (clock.GetElapsedTime(stored.Entry.StoredAt) <= TimeSpan.FromSeconds(options.Value.StoreTtlSeconds))
                return stored.Entry;
            Remove(id);
            return null;
        }
    }

    public bool Delete(string id)
    {
        lock (_lock)
            return Remove(id);
    }

    private bool Remove(string id)
    {
        if (!_entries.Remove(id, out var stored))
            return false;
        _order.Remove(stored.Node);
        return true;
    }
}
