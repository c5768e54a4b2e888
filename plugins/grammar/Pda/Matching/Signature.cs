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

    /// <summary>Buffers one thread reuses from state to state (states are fingerprinted as masks first meet them).</summary>
    private sealed class Scratch
    {
        public int[] Index = [];
        public int[] Depth = [];
        public int[] Seen = [];
        public int[] Settled = [];
        public int Generation;
        public int Count;
        public readonly PriorityQueue<int, (int Depth, int Order)> Queue = new();
        public readonly List<(int Target, Ir.ByteSet Set)> Targets = [];

        public void Reset(int states)
        {
            if (Index.Length < states)
                (Index, Depth, Seen, Settled, Generation) = (new int[states], new int[states], new int[states], new int[states], 0);
            if (++Generation == int.MaxValue)
            {
                Array.Clear(Seen);
                Array.Clear(Settled);
                Generation = 1;
            }
            Count = 0;
            Queue.Clear();
        }
    }

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <returns>The fingerprint, or null when more than <see cref="MaxStates"/> states lie within the horizon.</returns>
    public static UInt128? Of(Automaton a, int state, int horizon)
    {
        var x = t_scratch ??= new Scratch();
        x.Reset(a.StateCount);
        var generation = x.Generation;
        var h1 = 0xCBF2_9CE4_8422_2325UL;
        var h2 = 0x8422_2325_CBF2_9CE4UL;
        void Add(ulong value)
        {
            h1 = StackTable.Mix(h1 ^ value);
            h2 = StackTable.Mix(h2 + value * 0x9E37_79B9_7F4A_7C15UL);
        }
        // States numbered in the order first reached; each settled at the fewest bytes from the origin
        // (a call costs nothing to enter, its return the called rule's minimum).
        int Reach(int s, int depth)
        {
            if (x.Seen[s] != generation)
            {
                x.Seen[s] = generation;
                (x.Index[s], x.Depth[s]) = (x.Count++, depth);
                x.Queue.Enqueue(s, (depth, x.Index[s]));
            }
            else if (depth < x.Depth[s])
            {
                x.Depth[s] = depth;
                x.Queue.Enqueue(s, (depth, x.Index[s]));
            }
            return x.Index[s];
        }
        Reach(state, 0);
        while (x.Queue.TryDequeue(out var s, out var key))
        {
            if (x.Settled[s] == generation)
                continue;
            x.Settled[s] = generation;
            if (x.Count > MaxStates)
                return null;
            var depth = key.Depth;
            Add((ulong)x.Index[s]);
            Add(a.Accepting[s] ? 1UL : 2UL);
            Add((ulong)a.Distance[s]);
            if (depth >= horizon)
            {
                Add(6); // beyond what one token can read: its edges never matter
                continue;
            }
            // Byte edges grouped by target, in order of each group's lowest byte: independent of class numbering
            // (classes are numbered by their lowest byte, so a target's first class is its group's lowest).
            x.Targets.Clear();
            for (var c = 0; c < a.ClassCount; c++)
            {
                if (a.Next[s * a.ClassCount + c] is not (>= 0 and var n))
                    continue;
                var at = 0;
                while (at < x.Targets.Count && x.Targets[at].Target != n)
                    at++;
                if (at == x.Targets.Count)
                    x.Targets.Add((n, a.ClassBytes[c]));
                else
                    x.Targets[at] = (n, x.Targets[at].Set.Union(a.ClassBytes[c]));
            }
            foreach (var (target, set) in x.Targets)
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
