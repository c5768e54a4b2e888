using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// A 128-bit fingerprint of everything reachable from a state (byte edges as byte sets, calls, special
/// tokens, accepting states, numbered in a canonical order): two states with equal fingerprints read
/// every token alike, whichever grammar they belong to. Lets grammars share the classifications of
/// their common parts (JSON strings, numbers, enums) per tokenizer.
/// </summary>
internal static class Signature
{
    /// <summary>Sub-automata larger than this are not fingerprinted: they are specific to one grammar anyway.</summary>
    public const int MaxStates = 256;

    /// <returns>The fingerprint, or null when more than <see cref="MaxStates"/> states are reachable.</returns>
    public static UInt128? Of(Automaton a, int state)
    {
        var local = new Dictionary<int, int> { [state] = 0 };
        var order = new List<int> { state };
        var h1 = 0xCBF2_9CE4_8422_2325UL;
        var h2 = 0x8422_2325_CBF2_9CE4UL;
        void Add(ulong value)
        {
            h1 = StackTable.Mix(h1 ^ value);
            h2 = StackTable.Mix(h2 + value * 0x9E37_79B9_7F4A_7C15UL);
        }
        int Index(int s)
        {
            if (!local.TryGetValue(s, out var i))
            {
                local[s] = i = order.Count;
                order.Add(s);
            }
            return i;
        }
        var targets = new Dictionary<int, Ir.ByteSet>();
        for (var at = 0; at < order.Count; at++)
        {
            if (order.Count > MaxStates)
                return null;
            var s = order[at];
            Add(a.Accepting[s] ? 1UL : 2UL);
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
                Add((ulong)Index(target));
            }
            Add(3);
            for (var i = a.CallOffsets[s]; i < a.CallOffsets[s + 1]; i++)
            {
                Add((ulong)Index(a.RuleStart[a.CallRule[i]]));
                Add((ulong)Index(a.CallReturn[i]));
            }
            Add(4);
            for (var i = a.TokenOffsets[s]; i < a.TokenOffsets[s + 1]; i++)
            {
                Add((ulong)a.TokenId[i]);
                Add((ulong)Index(a.TokenNext[i]));
            }
            Add(5);
        }
        return new UInt128(h1, h2);
    }
}
