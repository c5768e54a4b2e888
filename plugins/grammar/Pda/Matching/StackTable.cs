using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// The stacks of a running pushdown automaton, hash-consed: a stack is a frame (the state to return
/// to) on a parent stack, and equal stacks get one id. Id 0 is the empty stack. Each stack also knows
/// the fewest bytes its frames still need and a structural hash (equal across tables).
/// </summary>
internal sealed class StackTable(Automaton automaton)
{
    private readonly List<int> _return = [-1];
    private readonly List<int> _parent = [-1];
    private readonly List<int> _distance = [0];
    private readonly List<ulong> _hash = [0x9E37_79B9_7F4A_7C15UL];
    private readonly Dictionary<long, int> _index = [];

    public int Push(int returnState, int parent)
    {
        var key = (long)returnState << 32 | (uint)parent;
        if (_index.TryGetValue(key, out var id))
            return id;
        id = _return.Count;
        _return.Add(returnState);
        _parent.Add(parent);
        _distance.Add((int)Math.Min((long)automaton.Distance[returnState] + _distance[parent], Automaton.Unreachable));
        _hash.Add(Mix((ulong)returnState * 0xD6E8_FEB8_6659_FD93UL ^ _hash[parent]));
        _index[key] = id;
        return id;
    }

    public int Return(int stack) => _return[stack];

    public int Parent(int stack) => _parent[stack];

    /// <summary>Fewest bytes the frames of this stack need once the top rule ends.</summary>
    public int Distance(int stack) => _distance[stack];

    public ulong Hash(int stack) => _hash[stack];

    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58_476D_1CE4_E5B9UL;
        x ^= x >> 27;
        x *= 0x94D0_49BB_1331_11EBUL;
        return x ^ (x >> 31);
    }
}
