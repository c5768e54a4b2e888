using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Automata;

/// <summary>One rule's body as a Thompson NFA: epsilon edges, byte-set edges, calls of other rules and special-token edges.</summary>
internal sealed class Nfa
{
    /// <summary>Bounds on expansion: counted repetitions are unrolled, so a rule this large is refused rather than built.</summary>
    public const int MaxStates = 400_000;

    public readonly List<List<int>> Epsilon = [];
    public readonly List<(int From, ByteSet Set, int To)> Bytes = [];
    public readonly List<(int From, int Rule, int To)> Calls = [];
    public readonly List<(int From, int Token, int To)> Tokens = [];

    /// <summary>
    /// Long counted repetitions of one rule (a string's maxLength): <c>Positions[i]</c> is the state before
    /// the i-th call, up to <c>Positions[Max]</c>. Their token classes are computed by counting, not by walking.
    /// </summary>
    public readonly List<(int Rule, int Min, int Max, List<int> Positions)> Chains = [];

    public int Start { get; }

    public int Final { get; }

    public int Count => Epsilon.Count;

    public Nfa(Node body, string rule)
    {
        Start = NewState(rule);
        Final = Build(body, Start, rule);
    }

    private int NewState(string rule)
    {
        if (Epsilon.Count >= MaxStates)
            throw new GrammarException($"Rule '{rule}' expands past {MaxStates} automaton states (a very large repetition count?).");
        Epsilon.Add([]);
        return Epsilon.Count - 1;
    }

    private int Build(Node node, int from, string rule)
    {
        switch (node)
        {
            case ByteClass b:
            {
                var to = NewState(rule);
                Bytes.Add((from, b.Set, to));
                return to;
            }
            case Sequence s:
                foreach (var item in s.Items)
                    from = Build(item, from, rule);
                return from;
            case Choice c:
            {
                var end = NewState(rule);
                foreach (var item in c.Items)
                {
                    var start = NewState(rule);
                    Epsilon[from].Add(start);
                    Epsilon[Build(item, start, rule)].Add(end);
                }
                return end;
            }
            case Repeat { Item: RuleRef item } chain when Inliner.IsChain(chain):
            {
                var positions = new List<int> { from };
                var exit = NewState(rule);
                for (var i = 0; i < chain.Max; i++)
                {
                    if (i >= chain.Min)
                        Epsilon[from].Add(exit);
                    var to = NewState(rule);
                    Calls.Add((from, item.Rule, to));
                    positions.Add(from = to);
                }
                Epsilon[from].Add(exit);
                Chains.Add((item.Rule, chain.Min, chain.Max, positions));
                return exit;
            }
            case Repeat r:
            {
                for (var i = 0; i < r.Min; i++)
                    from = Build(r.Item, from, rule);
                if (r.Max < 0)
                {
                    var loop = NewState(rule);
                    Epsilon[from].Add(loop);
                    Epsilon[Build(r.Item, loop, rule)].Add(loop);
                    return loop;
                }
                var exit = NewState(rule);
                Epsilon[from].Add(exit);
                for (var i = r.Min; i < r.Max; i++)
                {
                    from = Build(r.Item, from, rule);
                    Epsilon[from].Add(exit);
                }
                return exit;
            }
            case RuleRef call:
            {
                var to = NewState(rule);
                Calls.Add((from, call.Rule, to));
                return to;
            }
            case Fragment f:
            {
                var states = new int[f.StateCount];
                for (var i = 0; i < f.StateCount; i++)
                    states[i] = NewState(rule);
                Epsilon[from].Add(states[0]);
                foreach (var (a, set, b) in f.Edges)
                    Bytes.Add((states[a], set, states[b]));
                var end = NewState(rule);
                foreach (var a in f.Accepting)
                    Epsilon[states[a]].Add(end);
                return end;
            }
            case TokenTerminal token:
            {
                var to = NewState(rule);
                Tokens.Add((from, token.TokenId, to));
                return to;
            }
            default:
                throw new InvalidOperationException($"Unknown grammar node {node.GetType().Name}.");
        }
    }
}
