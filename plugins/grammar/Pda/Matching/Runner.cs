using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>Steps a set of positions through the automaton: bytes, special tokens, and the calls and returns between them.</summary>
/// <remarks>Each runner has its own stacks: a matcher's, or a classification's local ones.</remarks>
internal sealed class Runner(Automaton automaton)
{
    public Automaton Automaton { get; } = automaton;

    public StackTable Stacks { get; } = new(automaton);

    /// <summary>
    /// Adds every position reachable without input: each call's rule start (its return pushed), and each
    /// return of an accepting state to its caller.
    /// </summary>
    /// <returns>Whether an accepting state sits on the empty stack (the whole grammar, or the walk's own rule, may end here).</returns>
    public bool Close(PositionSet set)
    {
        var a = Automaton;
        var ends = false;
        for (var i = 0; i < set.Count; i++)
        {
            var (s, k) = set[i];
            for (var c = a.CallOffsets[s]; c < a.CallOffsets[s + 1]; c++)
                set.Add(new Position(a.RuleStart[a.CallRule[c]], Stacks.Push(a.CallReturn[c], k)));
            if (!a.Accepting[s])
                continue;
            if (k == 0)
                ends = true;
            else
                set.Add(new Position(Stacks.Return(k), Stacks.Parent(k)));
        }
        return ends;
    }

    /// <summary>The positions after byte <paramref name="b"/>, closed.</summary>
    /// <returns>Whether the result may end on the empty stack.</returns>
    public bool Step(PositionSet from, byte b, PositionSet to)
    {
        var a = Automaton;
        to.Clear();
        var c = a.ClassOf[b];
        foreach (var (s, k) in from.Items)
            if (a.Next[s * a.ClassCount + c] is >= 0 and var n)
                to.Add(new Position(n, k));
        return to.Count > 0 && Close(to);
    }

    /// <summary>The positions after special token <paramref name="token"/>, closed.</summary>
    public bool StepToken(PositionSet from, int token, PositionSet to)
    {
        var a = Automaton;
        to.Clear();
        foreach (var (s, k) in from.Items)
            for (var i = a.TokenOffsets[s]; i < a.TokenOffsets[s + 1]; i++)
                if (a.TokenId[i] == token)
                    to.Add(new Position(a.TokenNext[i], k));
        return to.Count > 0 && Close(to);
    }

    /// <summary>Fewest bytes from these positions to the end of the grammar (or of the walk's rule).</summary>
    public int Distance(PositionSet set)
    {
        var best = Automaton.Unreachable;
        foreach (var (s, k) in set.Items)
            best = Math.Min(best, (int)Math.Min(Distance(s, k), Automaton.Unreachable));
        return best;
    }

    /// <summary>Fewest bytes from state <paramref name="state"/> on stack <paramref name="stack"/> to the end.</summary>
    public long Distance(int state, int stack) => (long)Automaton.Distance[state] + Stacks.Distance(stack);
}
