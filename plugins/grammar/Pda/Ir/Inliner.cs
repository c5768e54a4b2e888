namespace Dynamo.Grammar.Pda.Ir;

/// <summary>
/// Replaces calls of small, non-recursive rules with their bodies, as XGrammar inlines: a JSON string
/// or number then becomes plain DFA states with no calls, whose token classes are one cheap walk of the
/// vocabulary trie. Recursive rules, and rules that would grow their callers past a size, stay calls.
/// </summary>
internal static class Inliner
{
    /// <summary>Largest inlined body, in nodes.</summary>
    public const int MaxInlinedSize = 400;

    /// <summary>Counted repetitions of a rule up to this many are unrolled inline; longer ones call the rule.</summary>
    public const int MaxInlinedRepeat = 16;

    /// <summary>A long counted repetition of a rule, kept as a chain of calls (the NFA numbers its positions).</summary>
    public static bool IsChain(Repeat repeat) => repeat is { Item: RuleRef, Max: > MaxInlinedRepeat };

    /// <returns>Every rule's body with inlinable calls replaced (by index), and the rules still reachable from <paramref name="start"/>.</returns>
    /// <param name="kept">Rules never inlined.</param>
    public static (Node?[] Bodies, bool[] Reachable) Inline(IReadOnlyList<Node?> bodies, int start, IReadOnlySet<int> kept)
    {
        var count = bodies.Count;
        var recursive = Recursive(bodies);
        var sizes = new int?[count];
        var inlined = new Node?[count];
        var visiting = new bool[count];

        int Size(int rule)
        {
            if (sizes[rule] is { } known)
                return known;
            if (visiting[rule] || recursive[rule] || bodies[rule] is null || kept.Contains(rule))
                return int.MaxValue; // never inlined
            visiting[rule] = true;
            var size = Measure(bodies[rule]!);
            visiting[rule] = false;
            sizes[rule] = size;
            return size;
        }

        int Measure(Node node) => node switch
        {
            Sequence s => Add(1, s.Items.Select(Measure)),
            Choice c => Add(1, c.Items.Select(Measure)),
            Repeat r => Add(1, [Measure(r.Item)]),
            RuleRef call => Size(call.Rule) <= MaxInlinedSize ? Size(call.Rule) : 1,
            _ => 1,
        };

        static int Add(int first, IEnumerable<int> rest)
        {
            long total = first;
            foreach (var n in rest)
                total = Math.Min(total + n, int.MaxValue);
            return (int)total;
        }

        Node Rewrite(Node node) => node switch
        {
            Sequence s => new Sequence([.. s.Items.Select(Rewrite)]),
            Choice c => new Choice([.. c.Items.Select(Rewrite)]),
            // A long counted repetition of a rule stays a chain of calls: unrolled inline it would copy the rule's states each time.
            Repeat r when IsChain(r) => r,
            Repeat r => new Repeat(Rewrite(r.Item), r.Min, r.Max),
            RuleRef call when Size(call.Rule) <= MaxInlinedSize => Body(call.Rule),
            _ => node,
        };

        Node Body(int rule) => inlined[rule] ??= Rewrite(bodies[rule]!);

        var result = new Node?[count];
        var reachable = new bool[count];
        var work = new Stack<int>([start]);
        reachable[start] = true;
        while (work.TryPop(out var rule))
        {
            result[rule] = Body(rule);
            foreach (var callee in Calls(result[rule]!))
                if (!reachable[callee])
                {
                    reachable[callee] = true;
                    work.Push(callee);
                }
        }
        return (result, reachable);
    }

    private static IEnumerable<int> Calls(Node node) => node switch
    {
        Sequence s => s.Items.SelectMany(Calls),
        Choice c => c.Items.SelectMany(Calls),
        Repeat r => Calls(r.Item),
        RuleRef call => [call.Rule],
        _ => [],
    };

    /// <summary>Rules on a cycle of calls (Tarjan's strongly connected components).</summary>
    private static bool[] Recursive(IReadOnlyList<Node?> bodies)
    {
        var count = bodies.Count;
        var edges = bodies.Select(b => b is null ? [] : Calls(b).Distinct().ToArray()).ToArray();
        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var recursive = new bool[count];
        var next = 0;
        for (var root = 0; root < count; root++)
        {
            if (index[root] >= 0)
                continue;
            // Iterative Tarjan: (rule, next edge) frames.
            var frames = new Stack<(int Rule, int Edge)>();
            frames.Push((root, 0));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack[root] = true;
            while (frames.Count > 0)
            {
                var (rule, edge) = frames.Pop();
                if (edge < edges[rule].Length)
                {
                    frames.Push((rule, edge + 1));
                    var callee = edges[rule][edge];
                    if (callee == rule)
                        recursive[rule] = true;
                    if (index[callee] < 0)
                    {
                        index[callee] = low[callee] = next++;
                        stack.Push(callee);
                        onStack[callee] = true;
                        frames.Push((callee, 0));
                    }
                    else if (onStack[callee])
                    {
                        low[rule] = Math.Min(low[rule], index[callee]);
                    }
                    continue;
                }
                if (frames.Count > 0)
                {
                    var parent = frames.Peek().Rule;
                    low[parent] = Math.Min(low[parent], low[rule]);
                }
                if (low[rule] == index[rule])
                {
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(member);
                    }
                    while (member != rule);
                    if (component.Count > 1)
                        foreach (var m in component)
                            recursive[m] = true;
                }
            }
        }
        return recursive;
    }
}
