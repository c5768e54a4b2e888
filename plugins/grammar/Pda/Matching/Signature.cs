using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// A 128-bit fingerprint of what a state can read within a horizon of bytes (the longest token): the
/// states reachable in fewer bytes than that, with their byte edges as byte sets, calls, special tokens,
/// accepting flags and distances, numbered in a canonical order. Two states with equal fingerprints
/// classify every token alike, whichever grammar they belong to, so grammars share the classifications of
/// their common parts (JSON strings, numbers, enums) per tokenizer; and the positions of a long counted
/// repetition (a string's maxLength) share one while the end is beyond the horizon.
/// </summary>
internal static class Signature
{
    /// <summary>Sub-automata larger than this are not fingerprinted: they are specific to one grammar anyway.</summary>
    public const int MaxStates = 256;

    /// <returns>The fingerprint, or null when more than <see cref="MaxStates"/> states lie within the horizon.</returns>
    public static UInt128? Of(Automaton a, int state, int horizon)
    {
        var local = new Dictionary<int, (int Index, int Depth)> { [state] = (0, 0) };
        var order = new List<int> { state };
        // Fewest bytes from the origin: a call costs nothing to enter, its return the called rule's minimum.
        var queue = new PriorityQueue<int, (int Depth, int Order)>();
        queue.Enqueue(state, (0, 0));
        var settled = new HashSet<int>();
        var h1 = 0xCBF2_9CE4_8422_2325UL;
        var h2 = 0x8422_2325_CBF2_9CE4UL;
        void Add(ulong value)
        {
            h1 = StackTable.Mix(h1 ^ value);
            h2 = StackTable.Mix(h2 + value * 0x9E37_79B9_7F4A_7C15UL);
        }
        int Reach(int s, int depth)
        {
            if (!local.TryGetValue(s, out var known))
            {
                local[s] = known = (order.Count, depth);
                order.Add(s);
                queue.Enqueue(s, (depth, known.Index));
            }
            else if (depth < known.Depth)
            {
                local[s] = (known.Index, depth);
                queue.Enqueue(s, (depth, known.Index));
            }
            return known.Index;
        }
        var targets = new Dictionary<int, Ir.ByteSet>();
        while (queue.TryDequeue(out var s, out var key))
        {
            if (!settled.Add(s))
                continue;
            if (order.Count > MaxStates)
                return null;
            var depth = key.Depth;
            Add((ulong)local[s].Index);
            Add(a.Accepting[s] ? 1UL : 2UL);
            Add((ulong)a.Distance[s]);
            if (depth >= horizon)
            {
                Add(6); // beyond what one token can read: its edges never matter
                continue;
            }
            // Byte edges grouped by target, in order of each group's lowest byte: independent of class numbering.
            targets.Clear();
            for (var c = 0; c < a.ClassCount; c++)
                if (a.Next[s * a.ClassCount + c] is >= 0 and var n)
                    targets[n] = targets.TryGetValue(n, out var set) ? set.Union(a.ClassBytes[c]) : a.ClassBytes[c];
            foreach (var (target, set) in targets.OrderBy(t => t.Value.Bytes().First()))
            {
                Add(set.W0);
                Add(set.W1);
                Add(set.W2);
                Add(set.W3);
                Add((ulong)Reach(target, depth + 1));
            }
            Add(3);
            for (var i = a.CallOffsets[s]; i < a.CallOffsets[s + 1]; i++)
            {
                Add((ulong)Reach(a.RuleStart[a.CallRule[i]], depth));
                Add((ulong)Reach(a.CallReturn[i], (int)Math.Min((long)depth + Math.Max(1, a.RuleMinimum[a.CallRule[i]]), int.MaxValue / 2)));
            }
            Add(4);
            for (var i = a.TokenOffsets[s]; i < a.TokenOffsets[s + 1]; i++)
            {
                Add((ulong)a.TokenId[i]);
                Add((ulong)Reach(a.TokenNext[i], depth + 1));
            }
            Add(5);
        }
        return new UInt128(h1, h2);
    }
}
