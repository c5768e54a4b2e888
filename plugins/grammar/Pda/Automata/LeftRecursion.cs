using Dynamo.Abstractions.Constraints;

namespace Dynamo.Grammar.Pda.Automata;

/// <summary>
/// Refuses left-recursive grammars (a rule that can call itself before matching a byte): matching
/// pushes a frame per call, so such a rule would push forever. Rewrite it with repetition.
/// </summary>
internal static class LeftRecursion
{
    public static void Check(Automaton a)
    {
        var rules = a.RuleStart.Length;
        // The rules each rule may call before it matches anything: from its start, across calls of rules that can be empty.
        var first = new List<int>[rules];
        for (var r = 0; r < rules; r++)
        {
            first[r] = [];
            var seen = new HashSet<int>();
            var stack = new Stack<int>([a.RuleStart[r]]);
            while (stack.TryPop(out var s))
            {
                if (!seen.Add(s))
                    continue;
                for (var i = a.CallOffsets[s]; i < a.CallOffsets[s + 1]; i++)
                {
                    first[r].Add(a.CallRule[i]);
                    if (a.RuleMinimum[a.CallRule[i]] == 0)
                        stack.Push(a.CallReturn[i]);
                }
            }
        }
        // A cycle in that graph is left recursion.
        var state = new int[rules]; // 0 unvisited, 1 on the path, 2 done
        for (var r = 0; r < rules; r++)
            Visit(r);

        void Visit(int r)
        {
            if (state[r] == 2)
                return;
            if (state[r] == 1)
                throw new GrammarException($"Rule '{a.RuleNames[r]}' is left-recursive (it can reach itself before matching anything); write it with repetition instead.", a.RuleNames[r]);
            state[r] = 1;
            foreach (var q in first[r])
                Visit(q);
            state[r] = 2;
        }
    }
}
