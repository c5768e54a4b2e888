namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// The order in which an engine evicts cached blocks no running request uses: lowest priority
/// first, least recently used among equals (SGLang's priority eviction). A block's priority is the
/// highest priority of the requests that used it while it stayed cached, so a prefix a
/// high-priority agent shares is not pushed out by low-priority churn. Not thread-safe.
/// </summary>
public sealed class KvEvictionQueue<T> where T : notnull
{
    private readonly SortedDictionary<int, LinkedList<T>> _byPriority = [];
    private readonly Dictionary<T, LinkedListNode<T>> _nodes = [];
    private readonly Dictionary<T, int> _priorities = [];

    public int Count => _nodes.Count;

    /// <summary>
    /// <paramref name="item"/> is unused now; <paramref name="priority"/> is the releasing request's.
    /// It becomes the most recently used of its priority.
    /// </summary>
    public void Add(T item, int priority)
    {
        priority = _priorities[item] = Math.Max(priority, _priorities.GetValueOrDefault(item, int.MinValue));
        if (!_byPriority.TryGetValue(priority, out var list))
            _byPriority[priority] = list = [];
        _nodes.Add(item, list.AddLast(item));
    }

    /// <summary>A request took <paramref name="item"/> back: it is no longer evictable (its priority is kept).</summary>
    public void Remove(T item)
    {
        if (!_nodes.Remove(item, out var node))
            return;
        var list = node.List!;
        list.Remove(node);
        if (list.Count == 0)
            _byPriority.Remove(_priorities[item]);
    }

    /// <summary>Takes the next block to evict and forgets its priority.</summary>
    /// <exception cref="InvalidOperationException">Nothing is evictable.</exception>
    public T Evict() => Evict(out _);

    /// <param name="priority">The evicted block's priority (an offload tier keeps it).</param>
    public T Evict(out int priority)
    {
        if (_nodes.Count == 0)
            throw new InvalidOperationException("No block is evictable.");
        (priority, var list) = _byPriority.First();
        var item = list.First!.Value;
        list.RemoveFirst();
        if (list.Count == 0)
            _byPriority.Remove(priority);
        _nodes.Remove(item);
        _priorities.Remove(item);
        return item;
    }
}
