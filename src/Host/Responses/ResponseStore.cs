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
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public void Put(ResponseObject response, IReadOnlyList<ChatMessage> conversation)
    {
        lock (_lock)
        {
            _entries[response.Id] = new Entry(response, conversation, clock.GetTimestamp());
            _order.Enqueue(response.Id);
            while (_entries.Count > options.Value.StoreMaxEntries && _order.TryDequeue(out var oldest))
                _entries.Remove(oldest);
        }
    }

    /// <returns>The entry, or null when it was never stored, was deleted, was pushed out or has expired.</returns>
    public Entry? Get(string id)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out var entry))
                return null;
            if (clock.GetElapsedTime(entry.StoredAt) <= TimeSpan.FromSeconds(options.Value.StoreTtlSeconds))
                return entry;
            _entries.Remove(id);
            return null;
        }
    }

    public bool Delete(string id)
    {
        lock (_lock)
            return _entries.Remove(id);
    }
}
