using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// What each token does from one state, whatever the stack beneath it (XGrammar's adaptive token
/// mask): <b>accepted</b> tokens can be read entirely inside the state's rule; <b>uncertain</b> tokens
/// leave the rule part-way (its end is reached, and the rest of the token must suit the caller, which
/// only the full stack knows); every other token is refused. A mask is then the union of the accepted
/// sets of the current positions, plus the uncertain tokens that pass a full check.
/// </summary>
internal sealed class StateTokens
{
    /// <summary>Accepted tokens as a bit mask, when there are many.</summary>
    public ulong[]? AcceptedMask { get; private init; }

    /// <summary>Accepted tokens as a list, when there are few.</summary>
    public int[] AcceptedList { get; private init; } = [];

    public int[] Uncertain { get; private init; } = [];

    /// <summary>Accepted tokens after which the rule's shortest completion is longer or shorter than before (<see cref="ShiftDeltas"/>); the rest leave it as it was.</summary>
    public int[] ShiftTokens { get; private init; } = [];

    public int[] ShiftDeltas { get; private init; } = [];

    /// <summary>The most any accepted token lengthens the shortest completion (0 when none does).</summary>
    public int MaxShift { get; private init; }

    public void OrAccepted(Span<ulong> mask)
    {
        if (AcceptedMask is { } accepted)
            for (var i = 0; i < accepted.Length; i++)
                mask[i] |= accepted[i];
        foreach (var t in AcceptedList)
            mask[t >> 6] |= 1UL << (t & 63);
    }

    /// <summary>Reads every token from <paramref name="state"/> on an empty local stack: a walk of the vocabulary trie that skips refused prefixes.</summary>
    public static StateTokens Classify(Automaton automaton, Vocabulary vocabulary, int state)
    {
        var runner = new Runner(automaton);
        var depths = vocabulary.MaxDepth + 1;
        // Per depth: a lone position on the local root in a state without calls (steps by table lookup), else a set.
        var simple = new int[depths];
        var sets = new PositionSet[depths];
        for (var d = 0; d < depths; d++)
            sets[d] = new PositionSet();
        var escaped = new bool[depths];
        sets[0].Add(new Position(state, 0));
        runner.Close(sets[0]); // returns at depth 0 are the caller's business: the mask covers them from the popped positions
        simple[0] = sets[0].Count == 1 && automaton.NoCalls[state] ? state : -1;
        var start = automaton.Distance[state];
        var (next, classes, classOf, noCalls, accepting, distance) =
            (automaton.Next, automaton.ClassCount, automaton.ClassOf, automaton.NoCalls, automaton.Accepting, automaton.Distance);

        var accepted = new List<int>();
        var uncertain = new List<int>();
        var shiftTokens = new List<int>();
        var shiftDeltas = new List<int>();
        var node = 1;
        while (node < vocabulary.NodeCount)
        {
            var depth = vocabulary.NodeDepth[node];
            var b = vocabulary.NodeByte[node];
            bool ends, alive;
            int here;
            if (simple[depth - 1] is >= 0 and var s)
            {
                var n = next[s * classes + classOf[b]];
                alive = n >= 0;
                if (alive && noCalls[n])
                {
                    simple[depth] = n;
                    ends = accepting[n];
                    here = distance[n];
                }
                else
                {
                    sets[depth].Clear();
                    if (alive)
                        sets[depth].Add(new Position(n, 0));
                    ends = alive && runner.Close(sets[depth]);
                    simple[depth] = -1;
                    here = alive ? runner.Distance(sets[depth]) : 0;
                }
            }
            else
            {
                ends = runner.Step(sets[depth - 1], b, sets[depth]);
                alive = sets[depth].Count > 0;
                var only = alive && sets[depth].Count == 1 ? sets[depth][0] : default;
                simple[depth] = alive && sets[depth].Count == 1 && only.Stack == 0 && noCalls[only.State] ? only.State : -1;
                here = alive ? runner.Distance(sets[depth]) : 0;
            }
            var hasEscaped = escaped[depth - 1] || ends;
            if (!alive)
            {
                // Nothing survives inside the rule; if it ended on the way, the caller may take the rest.
                if (hasEscaped)
                    foreach (var t in vocabulary.TokensUnder(node))
                        uncertain.Add(t);
                node = vocabulary.SubtreeEnd[node];
                continue;
            }
            escaped[depth] = hasEscaped;
            var tokens = vocabulary.TokensAt(node);
            if (tokens.Length > 0)
            {
                var delta = start >= Automaton.Unreachable ? 0 : (int)Math.Min((long)here - start, Automaton.Unreachable);
                foreach (var t in tokens)
                {
                    accepted.Add(t);
                    if (delta != 0)
                    {
                        shiftTokens.Add(t);
                        shiftDeltas.Add(delta);
                    }
                }
            }
            node++;
        }

        return From(accepted, uncertain, shiftTokens, shiftDeltas, vocabulary);
    }

    /// <summary>Token classes from lists: accepted tokens as a mask when there are many.</summary>
    public static StateTokens From(List<int> accepted, List<int> uncertain, List<int> shiftTokens, List<int> shiftDeltas, Vocabulary vocabulary)
    {
        ulong[]? mask = null;
        if (accepted.Count > 256)
        {
            mask = new ulong[vocabulary.MaskWords];
            foreach (var t in accepted)
                mask[t >> 6] |= 1UL << (t & 63);
        }
        return new StateTokens
        {
            AcceptedMask = mask,
            AcceptedList = mask is null ? [.. accepted] : [],
            Uncertain = [.. uncertain],
            ShiftTokens = [.. shiftTokens],
            ShiftDeltas = [.. shiftDeltas],
            MaxShift = shiftDeltas.Count > 0 ? Math.Max(0, shiftDeltas.Max()) : 0,
        };
    }
}
