using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// Token classes of the positions of a long counted repetition (a string's <c>maxLength</c>) by counting
/// instead of walking: each token is cut once into whole repetitions of the repeated rule (a JSON string
/// character), perhaps a partial one, and what follows; a position with r repetitions left accepts the
/// tokens of at most r, and passes the rest of the others to the repetition's exit (the closing quote).
/// Only for a repeated rule that is a plain DFA whose ends are unambiguous; other repetitions are walked.
/// </summary>
internal sealed class ChainTokens
{
    private enum Kind : byte { Dead, Inside, Exit }

    /// <summary>How each token reads as repetitions of one rule, from a boundary between them.</summary>
    private sealed class Cuts
    {
        public Kind[] Kind = [];
        /// <summary>Whole repetitions read (before the exit, for exits).</summary>
        public int[] Whole = [];
        /// <summary>
        /// For inside tokens: the bytes left of one more repetition begun part-way (-1: none); for exits: where
        /// the rest begins. Never a state: cuts are shared by every grammar with the same rule.
        /// </summary>
        public int[] Partial = [];
    }

    /// <summary>Cuts per vocabulary, by the repeated rule's fingerprint: the same rule in another grammar is cut once.</summary>
    private static readonly ConditionalWeakTable<Vocabulary, ConcurrentDictionary<UInt128, Cuts?>> Cache = new();

    private readonly Automaton _automaton;
    private readonly Vocabulary _vocabulary;
    private readonly Automaton.Chain _chain;
    private readonly Cuts _cuts;
    private readonly int _exitState;
    private readonly Dictionary<int, (bool Accepted, int Distance)?> _rests = [];
    private StateTokens? _far;
    private Runner? _runner;
    private readonly PositionSet _from = new();
    private readonly PositionSet _to = new();

    private ChainTokens(Automaton automaton, Vocabulary vocabulary, Automaton.Chain chain, Cuts cuts, int exitState) =>
        (_automaton, _vocabulary, _chain, _cuts, _exitState) = (automaton, vocabulary, chain, cuts, exitState);

    /// <returns>A classifier for the chain, or null when the chain is not one this shortcut handles exactly.</returns>
    public static ChainTokens? For(Automaton a, Vocabulary vocabulary, int chainId)
    {
        var chain = a.Chains[chainId];
        if (chain.Positions.Any(p => p < 0))
            return null;
        var start = a.RuleStart[chain.Rule];
        var exit = chain.Positions[chain.Max];
        // Every position from Min on must leave the same way as the last; before Min there is no way out.
        for (var i = 0; i <= chain.Max; i++)
        {
            var s = chain.Positions[i];
            if (a.TokenOffsets[s] != a.TokenOffsets[s + 1])
                return null;
            if (i >= chain.Min ? !SameExit(a, s, exit) : a.Accepting[s] || a.HasByteEdges[s])
                return null;
        }
        // The exit's first bytes must not also start a repetition, or a token could be cut two ways.
        for (var c = 0; c < a.ClassCount; c++)
            if (a.Next[exit * a.ClassCount + c] >= 0 && a.Next[start * a.ClassCount + c] >= 0)
                return null;
        var cuts = Signature.Of(a, start, int.MaxValue / 2) is { } fingerprint
            ? Cache.GetOrCreateValue(vocabulary).GetOrAdd(fingerprint, _ => Cut(a, vocabulary, chain.Rule))
            : Cut(a, vocabulary, chain.Rule);
        return cuts is null ? null : new ChainTokens(a, vocabulary, chain, cuts, exit);
    }

    /// <summary>Whether <paramref name="s"/> leaves the chain as <paramref name="exit"/> does: the same byte edges, calls other than the repetition's, and accepting flag.</summary>
    private static bool SameExit(Automaton a, int s, int exit)
    {
        if (a.Accepting[s] != a.Accepting[exit])
            return false;
        for (var c = 0; c < a.ClassCount; c++)
            if (a.Next[s * a.ClassCount + c] != a.Next[exit * a.ClassCount + c])
                return false;
        var own = Enumerable.Range(a.CallOffsets[s], a.CallOffsets[s + 1] - a.CallOffsets[s]).Select(i => (a.CallRule[i], a.CallReturn[i]));
        var theirs = Enumerable.Range(a.CallOffsets[exit], a.CallOffsets[exit + 1] - a.CallOffsets[exit]).Select(i => (a.CallRule[i], a.CallReturn[i])).ToHashSet();
        // The position's own call of the repeated rule is the only extra call allowed.
        return own.Count(call => !theirs.Contains(call)) <= 1;
    }

    /// <summary>Cuts every token into repetitions of <paramref name="rule"/>; null when the rule calls others or its ends are ambiguous.</summary>
    private static Cuts? Cut(Automaton a, Vocabulary vocabulary, int rule)
    {
        var start = a.RuleStart[rule];
        // The repeated rule must be plain bytes, and a finished repetition must have nothing more to read.
        var seen = new HashSet<int>();
        var pending = new Stack<int>([start]);
        while (pending.TryPop(out var s))
        {
            if (!seen.Add(s))
                continue;
            if (!a.NoCalls[s] || a.TokenOffsets[s] != a.TokenOffsets[s + 1] || (a.Accepting[s] && a.HasByteEdges[s]) || (s == start && a.Accepting[s]))
                return null;
            for (var c = 0; c < a.ClassCount; c++)
                if (a.Next[s * a.ClassCount + c] is >= 0 and var n)
                    pending.Push(n);
        }
        var size = vocabulary.Size;
        var cuts = new Cuts { Kind = new Kind[size], Whole = new int[size], Partial = new int[size] };
        for (var t = 0; t < size; t++)
        {
            var bytes = vocabulary.TokenBytes[t];
            if (bytes.Length == 0)
                continue;
            var (state, whole, kind, partial) = (start, 0, Kind.Inside, -1);
            for (var i = 0; i < bytes.Length; i++)
            {
                var next = a.Next[state * a.ClassCount + a.ClassOf[bytes[i]]];
                if (next < 0)
                {
                    (kind, partial) = state == start ? (Kind.Exit, i) : (Kind.Dead, -1);
                    break;
                }
                state = next;
                if (a.Accepting[state])
                {
                    whole++;
                    state = start;
                }
            }
            if (kind == Kind.Inside && state != start)
                partial = a.Distance[state];
            (cuts.Kind[t], cuts.Whole[t], cuts.Partial[t]) = (kind, whole, partial);
        }
        return cuts;
    }

    /// <summary>The token classes of the chain's position <paramref name="index"/>, as the trie walk would find them.</summary>
    public StateTokens Classify(int index)
    {
        // Far from both ends (past Min, more repetitions left than the longest token can read) every position
        // classifies alike: the same tokens, the same distance (the exit's), so one classification serves them all.
        var far = index >= _chain.Min && _chain.Max - index >= _vocabulary.MaxDepth;
        if (far && Volatile.Read(ref _far) is { } shared)
            return shared;
        var tokens = ClassifyAt(index);
        return far ? Interlocked.CompareExchange(ref _far, tokens, null) ?? tokens : tokens;
    }

    private StateTokens ClassifyAt(int index)
    {
        var a = _automaton;
        var positions = _chain.Positions;
        var left = _chain.Max - index;
        var least = Math.Max(0, _chain.Min - index);
        var before = a.Distance[positions[index]];
        var accepted = new List<int>();
        var uncertain = new List<int>();
        var shiftTokens = new List<int>();
        var shiftDeltas = new List<int>();
        for (var t = 0; t < _vocabulary.Size; t++)
        {
            var whole = _cuts.Whole[t];
            switch (_cuts.Kind[t])
            {
                case Kind.Inside:
                {
                    var partial = _cuts.Partial[t];
                    if (whole + (partial >= 0 ? 1 : 0) > left)
                        continue;
                    var after = partial >= 0 ? (long)partial + a.Distance[positions[index + whole + 1]] : a.Distance[positions[index + whole]];
                    Add(t, after);
                    break;
                }
                case Kind.Exit when whole >= least && whole <= left:
                {
                    if (Rest(t) is not { } rest)
                        continue;
                    if (rest.Accepted)
                        Add(t, rest.Distance);
                    else
                        uncertain.Add(t);
                    break;
                }
            }
        }
        return StateTokens.From(accepted, uncertain, shiftTokens, shiftDeltas, _vocabulary);

        void Add(int token, long distanceAfter)
        {
            accepted.Add(token);
            var delta = before >= Automaton.Unreachable ? 0 : (int)Math.Min(distanceAfter - before, Automaton.Unreachable);
            if (delta != 0)
            {
                shiftTokens.Add(token);
                shiftDeltas.Add(delta);
            }
        }
    }

    /// <summary>
    /// What the rest of an exiting token does from the chain's exit: read inside the rule (its distance
    /// after), leaves the rule (the caller decides: null distance, not accepted), or is refused (null).
    /// </summary>
    private (bool Accepted, int Distance)? Rest(int token)
    {
        lock (_rests)
        {
            if (_rests.TryGetValue(token, out var known))
                return known;
            var runner = _runner ??= new Runner(_automaton);
            var (from, to) = (_from, _to);
            from.Clear();
            from.Add(new Position(_exitState, 0));
            // Ending right where the repetitions end counts as leaving the rule only after at least one byte.
            var escaped = runner.Close(from) && _cuts.Whole[token] > 0;
            var bytes = _vocabulary.TokenBytes[token];
            for (var i = _cuts.Partial[token]; i < bytes.Length; i++)
            {
                escaped |= runner.Step(from, bytes[i], to);
                (from, to) = (to, from);
                if (from.Count == 0)
                    break;
            }
            (bool, int)? result = from.Count > 0 ? (true, runner.Distance(from)) : escaped ? (false, 0) : null;
            _rests[token] = result;
            return result;
        }
    }
}
