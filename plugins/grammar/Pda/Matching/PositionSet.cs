namespace Dynamo.Grammar.Pda.Matching;

/// <summary>Where a nondeterministic run can be: a state of some rule, on a stack.</summary>
internal readonly record struct Position(int State, int Stack)
{
    public long Key => (long)State << 32 | (uint)Stack;
}

/// <summary>A set of positions in insertion order, reused between steps (no allocation once grown).</summary>
internal sealed class PositionSet
{
    private Position[] _items = new Position[16];
    private readonly HashSet<long> _keys = [];

    public int Count { get; private set; }

    public Position this[int i] => _items[i];

    public ReadOnlySpan<Position> Items => _items.AsSpan(0, Count);

    public bool Add(Position position)
    {
        if (Count < 8)
        {
            for (var i = 0; i < Count; i++)
                if (_items[i] == position)
                    return false;
        }
        else
        {
            if (_keys.Count == 0)
                for (var i = 0; i < Count; i++)
                    _keys.Add(_items[i].Key);
            if (!_keys.Add(position.Key))
                return false;
        }
        if (Count == _items.Length)
            Array.Resize(ref _items, Count * 2);
        _items[Count++] = position;
        return true;
    }

    public void Clear()
    {
        Count = 0;
        if (_keys.Count > 0)
            _keys.Clear();
    }

    public void CopyFrom(PositionSet other)
    {
        Clear();
        foreach (var p in other.Items)
            Add(p);
    }
}
