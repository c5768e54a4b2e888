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

    public int[] StateRule { get; }

    public int[] RuleStart { get; }

    public string[] RuleNames { get; }

    public int StartRule { get; }

    /// <summary>Fewest bytes (special tokens count one) from each state to the end of its rule; <see cref="Unreachable"/> where it cannot end.</summary>
    public int[] Distance { get; }

    /// <summary>Fewest bytes a rule can match.</summary>
    public int[] RuleMinimum { get; }

    /// <summary>Whether any state has a byte edge (grammars of special tokens only have none).</summary>
    public bool HasBytes { get; }

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
        var (bodies, reachable) = Inliner.Inline(grammar.Bodies, startRule);
        var nfas = new Nfa[rules];
        for (var r = 0; r < rules; r++)
            nfas[r] = new Nfa(reachable[r] ? bodies[r]! : Node.Empty, grammar.Names[r]);

        (ClassOf, ClassCount, ClassBytes) = ByteClasses(nfas);
        var classesOfSet = new Dictionary<ByteSet, int[]>();
        int[] Classes(ByteSet set)
        {
            if (!classesOfSet.TryGetValue(set, out var classes))
                classesOfSet[set] = classes = [.. Enumerable.Range(0, ClassCount).Where(c => set.Contains(ClassBytes[c].Bytes().First()))];
            return classes;
        }

        var next = new List<int>();
        var calls = new List<List<(int Rule, int Return)>>();
        var tokens = new List<List<(int Token, int Next)>>();
        var accepting = new List<bool>();
        var stateRule = new List<int>();
        RuleStart = new int[rules];
        for (var r = 0; r < rules; r++)
            RuleStart[r] = Determinize(nfas[r], r, Classes, next, calls, tokens, accepting, stateRule);

        StateCount = accepting.Count;
        Next = [.. next];
        Accepting = [.. accepting];
        StateRule = [.. stateRule];
        (CallOffsets, CallRule, CallReturn) = Flatten(calls);
        (TokenOffsets, TokenId, TokenNext) = Flatten(tokens);
        HasBytes = Next.Any(n => n >= 0);
        NoCalls = [.. Enumerable.Range(0, StateCount).Select(st => CallOffsets[st] == CallOffsets[st + 1])];
        (Distance, RuleMinimum) = Distances();
        LeftRecursion.Check(this);
    }

    /// <summary>The coarsest partition of the 256 bytes in which every byte set of the grammar is a union of classes.</summary>
    private static (byte[] ClassOf, int Count, ByteSet[] Bytes) ByteClasses(Nfa[] nfas)
    {
        var sets = nfas.SelectMany(n => n.Bytes.Select(e => e.Set)).Distinct().ToList();
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

    /// <summary>Subset construction for one rule; returns its start state's global id.</summary>
    private int Determinize(Nfa nfa, int rule, Func<ByteSet, int[]> classes, List<int> next, List<List<(int, int)>> calls,
        List<List<(int, int)>> tokens, List<bool> accepting, List<int> stateRule)
    {
        var byteEdges = new List<(int[] Classes, int To)>[nfa.Count];
        var callEdges = new List<(int Rule, int To)>[nfa.Count];
        var tokenEdges = new List<(int Token, int To)>[nfa.Count];
        foreach (var (from, set, to) in nfa.Bytes)
            (byteEdges[from] ??= []).Add((classes(set), to));
        foreach (var (from, r, to) in nfa.Calls)
            (callEdges[from] ??= []).Add((r, to));
        foreach (var (from, t, to) in nfa.Tokens)
            (tokenEdges[from] ??= []).Add((t, to));

        var ids = new Dictionary<int[], int>(SetComparer.Instance);
        var work = new Queue<(int[] Set, int Id)>();
        int Intern(IEnumerable<int> seeds)
        {
            var set = Closure(nfa, seeds);
            if (ids.TryGetValue(set, out var id))
                return id;
            id = accepting.Count;
            ids[set] = id;
            accepting.Add(Array.BinarySearch(set, nfa.Final) >= 0);
            stateRule.Add(rule);
            calls.Add([]);
            tokens.Add([]);
            next.AddRange(Enumerable.Repeat(-1, ClassCount));
            work.Enqueue((set, id));
            return id;
        }

        var start = Intern([nfa.Start]);
        var buckets = new List<int>?[ClassCount];
        while (work.TryDequeue(out var item))
        {
            Array.Clear(buckets);
            var byRule = new SortedDictionary<int, List<int>>();
            var byToken = new SortedDictionary<int, List<int>>();
            foreach (var s in item.Set)
            {
                foreach (var (edgeClasses, to) in byteEdges[s] ?? [])
                    foreach (var c in edgeClasses)
                        (buckets[c] ??= []).Add(to);
                foreach (var (r, to) in callEdges[s] ?? [])
                    (byRule.TryGetValue(r, out var l) ? l : byRule[r] = []).Add(to);
                foreach (var (t, to) in tokenEdges[s] ?? [])
                    (byToken.TryGetValue(t, out var l) ? l : byToken[t] = []).Add(to);
            }
            for (var c = 0; c < ClassCount; c++)
                if (buckets[c] is { } targets)
                    next[item.Id * ClassCount + c] = Intern(targets);
            foreach (var (r, targets) in byRule)
                calls[item.Id].Add((r, Intern(targets)));
            foreach (var (t, targets) in byToken)
                tokens[item.Id].Add((t, Intern(targets)));
        }
        return start;
    }

    private static int[] Closure(Nfa nfa, IEnumerable<int> seeds)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>(seeds);
        while (stack.TryPop(out var s))
            if (seen.Add(s))
                foreach (var t in nfa.Epsilon[s])
                    stack.Push(t);
        var set = seen.ToArray();
        Array.Sort(set);
        return set;
    }

    private static (int[] Offsets, int[] First, int[] Second) Flatten(List<List<(int, int)>> lists)
    {
        var offsets = new int[lists.Count + 1];
        for (var i = 0; i < lists.Count; i++)
            offsets[i + 1] = offsets[i] + lists[i].Count;
        var first = new int[offsets[^1]];
        var second = new int[offsets[^1]];
        for (var i = 0; i < lists.Count; i++)
            for (var j = 0; j < lists[i].Count; j++)
                (first[offsets[i] + j], second[offsets[i] + j]) = lists[i][j];
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

    private sealed class SetComparer : IEqualityComparer<int[]>
    {
        public static readonly SetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] set)
        {
            var hash = new HashCode();
            foreach (var s in set)
                hash.Add(s);
            return hash.ToHashCode();
        }
    }
}
