using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Automata;

/// <summary>
/// A compiled grammar: each rule a DFA over byte classes, whose states may also call other rules
/// (a recursive transition network) or match a special token. Matching runs it as a pushdown
/// automaton: a call pushes the state to return to, reaching an accepting state of the called rule
/// pops it. Immutable once built.
/// </summary>
internal sealed class Automaton
{
    public const int Unreachable = int.MaxValue / 4;

    /// <summary>Byte → class: bytes no rule tells apart share a class.</summary>
    public byte[] ClassOf { get; }

    public int ClassCount { get; }

    /// <summary>The bytes of each class.</summary>
    public ByteSet[] ClassBytes { get; }

    public int StateCount { get; }

    /// <summary><c>Next[state * ClassCount + class]</c>: the state after that byte, or -1.</summary>
    public int[] Next { get; }

    /// <summary>Calls from each state: <c>CallRule[i]</c>, <c>CallReturn[i]</c> for i in <c>CallOffsets[s]..CallOffsets[s+1]</c>.</summary>
    public int[] CallOffsets { get; }
    public int[] CallRule { get; }
    public int[] CallReturn { get; }

    /// <summary>Special-token edges from each state, laid out like the calls.</summary>
    public int[] TokenOffsets { get; }
    public int[] TokenId { get; }
    public int[] TokenNext { get; }

    /// <summary>Whether the state ends its rule (the rule may return here).</summary>
    public bool[] Accepting { get; }

    public int[] RuleStart { get; }

    public string[] RuleNames { get; }

    public int StartRule { get; }

    /// <summary>Fewest bytes (special tokens count one) from each state to the end of its rule; <see cref="Unreachable"/> where it cannot end.</summary>
    public int[] Distance { get; }

    /// <summary>Fewest bytes a rule can match.</summary>
    public int[] RuleMinimum { get; }

    /// <summary>Whether each state has a byte edge (else only calls, special tokens or its end lie ahead).</summary>
    public bool[] HasByteEdges { get; }

    /// <summary>A long counted repetition of one rule: the state before each call, in order (-1 where no state stands alone for it).</summary>
    public sealed record Chain(int Rule, int Min, int Max, int[] Positions);

    public List<Chain> Chains { get; } = [];

    /// <summary>For each state: the chain it is a position of (-1 for none), and which position.</summary>
    public int[] ChainOf { get; }

    public int[] ChainIndex { get; }

    /// <summary>States with no calls: a position there steps by one table lookup.</summary>
    public bool[] NoCalls { get; }

    public Automaton(GrammarBuilder grammar, int startRule)
    {
        RuleNames = [.. grammar.Names];
        StartRule = startRule;
        var rules = grammar.Count;
        for (var r = 0; r < rules; r++)
            if (grammar.Bodies[r] is null)
                throw new GrammarException($"Rule '{grammar.Names[r]}' is used but never defined.", grammar.Names[r]);
        // Small rules become part of their callers; only rules still called are built.
        var (bodies, reachable) = Inliner.Inline(grammar.Bodies, startRule, grammar.Kept);
        var nfas = new Nfa?[rules];
        for (var r = 0; r < rules; r++)
            if (reachable[r])
                nfas[r] = new Nfa(bodies[r]!, grammar.Names[r]);

        (ClassOf, ClassCount, ClassBytes) = ByteClasses(nfas);
        var representative = ClassBytes.Select(c => c.Bytes().First()).ToArray();
        var classesOfSet = new Dictionary<ByteSet, int[]>();
        int[] Classes(ByteSet set)
        {
            if (!classesOfSet.TryGetValue(set, out var classes))
                classesOfSet[set] = classes = [.. Enumerable.Range(0, ClassCount).Where(c => set.Contains(representative[c]))];
            return classes;
        }

        var next = new List<int[]>();
        var calls = new List<List<(int Rule, int Return)>?>();
        var tokens = new List<List<(int Token, int Next)>?>();
        var accepting = new List<bool>();
        var chainOf = new List<(int Chain, int Index)>();
        RuleStart = new int[rules];
        var scratch = new Scratch(ClassCount);
        for (var r = 0; r < rules; r++)
            // A rule nothing calls any more (inlined everywhere) gets a dead start state it never reaches.
            RuleStart[r] = Determinize(nfas[r] ?? new Nfa(new Choice([]), grammar.Names[r]), Classes, next, calls, tokens, accepting, chainOf, scratch);

        StateCount = accepting.Count;
        ChainOf = [.. chainOf.Select(c => c.Chain)];
        ChainIndex = [.. chainOf.Select(c => c.Index)];
        Next = new int[StateCount * ClassCount];
        for (var st = 0; st < StateCount; st++)
            next[st].CopyTo(Next, st * ClassCount);
        Accepting = [.. accepting];
        (CallOffsets, CallRule, CallReturn) = Flatten(calls);
        (TokenOffsets, TokenId, TokenNext) = Flatten(tokens);
        HasByteEdges = new bool[StateCount];
        for (var st = 0; st < StateCount; st++)
            HasByteEdges[st] = Next.AsSpan(st * ClassCount, ClassCount).IndexOfAnyExcept(-1) >= 0;
        NoCalls = [.. Enumerable.Range(0, StateCount).Select(st => CallOffsets[st] == CallOffsets[st + 1])];
        (Distance, RuleMinimum) = Distances();
        LeftRecursion.Check(this);
    }

    /// <summary>The coarsest partition of the 256 bytes in which every byte set of the grammar is a union of classes.</summary>
    private static (byte[] ClassOf, int Count, ByteSet[] Bytes) ByteClasses(Nfa?[] nfas)
    {
        var sets = nfas.OfType<Nfa>().SelectMany(n => n.Bytes.Select(e => e.Set)).Distinct().ToList();
        var words = (sets.Count + 63) / 64;
        var signatures = new Dictionary<string, int>(StringComparer.Ordinal);
        var classOf = new byte[256];
        var members = new List<ByteSet>();
        var signature = new ulong[Math.Max(words, 1)];
        for (var b = 0; b < 256; b++)
        {
            Array.Clear(signature);
            for (var i = 0; i < sets.Count; i++)
                if (sets[i].Contains(b))
                    signature[i >> 6] |= 1UL << (i & 63);
            var key = string.Join(',', signature);
            if (!signatures.TryGetValue(key, out var c))
            {
                if (signatures.Count == 256)
                    throw new InvalidOperationException("More than 256 byte classes.");
                signatures[key] = c = signatures.Count;
                members.Add(new ByteSet());
            }
            classOf[b] = (byte)c;
            members[c] = members[c].With((byte)b);
        }
        return (classOf, members.Count, [.. members]);
    }

    /// <summary>Buffers subset construction reuses from rule to rule.</summary>
    private sealed class Scratch(int classes)
    {
        public readonly List<int>[] Buckets = [.. Enumerable.Range(0, classes).Select(_ => new List<int>())];
        public readonly List<int> Used = [];
        public readonly SortedDictionary<int, List<int>> ByRule = [];
        public readonly SortedDictionary<int, List<int>> ByToken = [];
    }

    /// <summary>Subset construction for one rule; returns its start state's global id.</summary>
    private int Determinize(Nfa nfa, Func<ByteSet, int[]> classes, List<int[]> next, List<List<(int, int)>?> calls,
        List<List<(int, int)>?> tokens, List<bool> accepting, List<(int, int)> chainOf, Scratch scratch)
    {
        // The rule's chains, and which NFA state is which chain position.
        var positions = new Dictionary<int, (int Chain, int Index)>();
        foreach (var (called, min, max, before) in nfa.Chains)
        {
            Chains.Add(new Chain(called, min, max, [.. Enumerable.Repeat(-1, before.Count)]));
            for (var i = 0; i < before.Count; i++)
                positions[before[i]] = (Chains.Count - 1, i);
        }
        var byteEdges = Group(nfa.Count, nfa.Bytes.Select(e => (e.From, (classes(e.Set), e.To))));
        var callEdges = Group(nfa.Count, nfa.Calls.Select(e => (e.From, (e.Rule, e.To))));
        var tokenEdges = Group(nfa.Count, nfa.Tokens.Select(e => (e.From, (e.Token, e.To))));

        // Each NFA state's epsilon closure, once; a set's closure is the union of its members'.
        var closures = new int[]?[nfa.Count];
        var stamp = new int[nfa.Count];
        var generation = 0;
        var gathered = new List<int>();
        var pending = new Stack<int>();
        int[] ClosureOf(int s)
        {
            if (closures[s] is { } known)
                return known;
            generation++;
            gathered.Clear();
            pending.Push(s);
            stamp[s] = generation;
            while (pending.TryPop(out var x))
            {
                gathered.Add(x);
                foreach (var y in nfa.Epsilon[x])
                    if (stamp[y] != generation)
                    {
                        stamp[y] = generation;
                        pending.Push(y);
                    }
            }
            var result = gathered.ToArray();
            Array.Sort(result);
            return closures[s] = result;
        }
        int[] Closure(List<int> seeds)
        {
            // Members' closures first (they use the stamps too), then their union.
            foreach (var seed in seeds)
                ClosureOf(seed);
            generation++;
            gathered.Clear();
            foreach (var seed in seeds)
                foreach (var x in closures[seed]!)
                    if (stamp[x] != generation)
                    {
                        stamp[x] = generation;
                        gathered.Add(x);
                    }
            var set = gathered.ToArray();
            Array.Sort(set);
            return set;
        }

        // States are known by their kernel (the NFA states the edge reached, before closure): cheap to compare, and
        // the closure is computed only for new ones. Two kernels with one closure make two equivalent states; harmless.
        var ids = new Dictionary<int[], int>(SetComparer.Instance);
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<int>>();
        var work = new Queue<(int[] Set, int Id)>();
        int Intern(List<int> seeds)
        {
            seeds.Sort();
            var distinct = 0;
            for (var i = 0; i < seeds.Count; i++)
                if (i == 0 || seeds[i] != seeds[distinct - 1])
                    seeds[distinct++] = seeds[i];
            var kernel = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(seeds)[..distinct];
            if (lookup.TryGetValue(kernel, out var id))
                return id;
            var set = Closure(seeds);
            id = accepting.Count;
            lookup[kernel] = id;
            accepting.Add(Array.BinarySearch(set, nfa.Final) >= 0);
            if (kernel.Length == 1 && positions.TryGetValue(kernel[0], out var position))
            {
                chainOf.Add(position);
                Chains[position.Chain].Positions[position.Index] = id;
            }
            else
            {
                chainOf.Add((-1, -1));
            }
            calls.Add(null);
            tokens.Add(null);
            var row = new int[ClassCount];
            Array.Fill(row, -1);
            next.Add(row);
            work.Enqueue((set, id));
            return id;
        }

        var start = Intern([nfa.Start]);
        var (buckets, used, byRule, byToken) = (scratch.Buckets, scratch.Used, scratch.ByRule, scratch.ByToken);
        while (work.TryDequeue(out var item))
        {
            used.Clear();
            byRule.Clear();
            byToken.Clear();
            foreach (var s in item.Set)
            {
                foreach (var (edgeClasses, to) in byteEdges[s])
                    foreach (var c in edgeClasses)
                    {
                        if (buckets[c].Count == 0)
                            used.Add(c);
                        buckets[c].Add(to);
                    }
                foreach (var (r, to) in callEdges[s])
                    (byRule.TryGetValue(r, out var l) ? l : byRule[r] = []).Add(to);
                foreach (var (t, to) in tokenEdges[s])
                    (byToken.TryGetValue(t, out var l) ? l : byToken[t] = []).Add(to);
            }
            // Classes whose edges lead to the same states share one target: interned once per state.
            for (var u = 0; u < used.Count; u++)
            {
                var c = used[u];
                var target = -1;
                for (var v = 0; v < u && target < 0; v++)
                    if (buckets[used[v]].Count == buckets[c].Count && System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buckets[used[v]]).SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buckets[c])))
                        target = next[item.Id][used[v]];
                next[item.Id][c] = target >= 0 ? target : Intern(buckets[c]);
            }
            foreach (var c in used)
                buckets[c].Clear();
            foreach (var (r, targets) in byRule)
                (calls[item.Id] ??= []).Add((r, Intern(targets)));
            foreach (var (t, targets) in byToken)
                (tokens[item.Id] ??= []).Add((t, Intern(targets)));
        }
        return start;
    }

    /// <summary>Edges grouped by source state, as arrays (empty where a state has none).</summary>
    private static T[][] Group<T>(int count, IEnumerable<(int From, T Edge)> edges)
    {
        var lists = new List<T>?[count];
        foreach (var (from, edge) in edges)
            (lists[from] ??= []).Add(edge);
        return [.. lists.Select(l => l is null ? [] : l.ToArray())];
    }

    private static (int[] Offsets, int[] First, int[] Second) Flatten(List<List<(int, int)>?> lists)
    {
        var offsets = new int[lists.Count + 1];
        for (var i = 0; i < lists.Count; i++)
            offsets[i + 1] = offsets[i] + (lists[i]?.Count ?? 0);
        var first = new int[offsets[^1]];
        var second = new int[offsets[^1]];
        for (var i = 0; i < lists.Count; i++)
            for (var j = 0; j < (lists[i]?.Count ?? 0); j++)
                (first[offsets[i] + j], second[offsets[i] + j]) = lists[i]![j];
        return (offsets, first, second);
    }

    /// <summary>Shortest completions, by relaxation to a fixpoint (a call costs the called rule's minimum).</summary>
    private (int[] Distance, int[] RuleMinimum) Distances()
    {
        var distance = new int[StateCount];
        Array.Fill(distance, Unreachable);
        var ruleMinimum = new int[RuleStart.Length];
        Array.Fill(ruleMinimum, Unreachable);
        for (var s = 0; s < StateCount; s++)
            if (Accepting[s])
                distance[s] = 0;
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var s = StateCount - 1; s >= 0; s--)
            {
                var best = distance[s];
                for (var c = 0; c < ClassCount; c++)
                    if (Next[s * ClassCount + c] is >= 0 and var n)
                        best = Math.Min(best, 1 + distance[n]);
                for (var i = CallOffsets[s]; i < CallOffsets[s + 1]; i++)
                    best = Math.Min(best, ruleMinimum[CallRule[i]] + distance[CallReturn[i]]);
                for (var i = TokenOffsets[s]; i < TokenOffsets[s + 1]; i++)
                    best = Math.Min(best, 1 + distance[TokenNext[i]]);
                best = Math.Min(best, Unreachable);
                if (best < distance[s])
                {
                    distance[s] = best;
                    changed = true;
                }
            }
            for (var r = 0; r < RuleStart.Length; r++)
                if (distance[RuleStart[r]] < ruleMinimum[r])
                {
                    ruleMinimum[r] = distance[RuleStart[r]];
                    changed = true;
                }
        }
        return (distance, ruleMinimum);
    }

    /// <summary>Sorted state sets by content; looked up by span, so a probe allocates nothing.</summary>
    private sealed class SetComparer : IEqualityComparer<int[]>, IAlternateEqualityComparer<ReadOnlySpan<int>, int[]>
    {
        public static readonly SetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] set) => GetHashCode((ReadOnlySpan<int>)set);

        public bool Equals(ReadOnlySpan<int> alternate, int[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<int> set)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(set));
            return hash.ToHashCode();
        }

        public int[] Create(ReadOnlySpan<int> alternate) => alternate.ToArray();
    }
}

