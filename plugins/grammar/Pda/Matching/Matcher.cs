using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// One sequence's run through a compiled grammar. A mask is the union, over the current positions, of
/// each state's accepted tokens, plus its uncertain tokens that survive the full stack; masks of
/// positions seen before (by any sequence of the grammar) are reused whole.
/// </summary>
internal sealed class Matcher : ITokenMatcher
{
    private readonly CompiledGrammar _grammar;
    private readonly Automaton _automaton;
    private readonly Vocabulary _vocabulary;
    private readonly Runner _runner;
    private PositionSet _current = new();
    private PositionSet _next = new();
    private readonly PositionSet _trialA = new();
    private readonly PositionSet _trialB = new();
    private readonly PositionSet _runA = new();
    private readonly PositionSet _runB = new();
    private readonly ulong[] _scratch;

    public Matcher(CompiledGrammar grammar)
    {
        (_grammar, _automaton, _vocabulary) = (grammar, grammar.Automaton, grammar.Vocabulary);
        _runner = new Runner(_automaton);
        _scratch = new ulong[_vocabulary.MaskWords];
        _current.Add(new Position(_automaton.RuleStart[_automaton.StartRule], 0));
        CanEnd = _runner.Close(_current);
    }

    public bool CanEnd { get; private set; }

    public bool IsFinished
    {
        get
        {
            if (!CanEnd)
                return false;
            var a = _automaton;
            foreach (var (s, _) in _current.Items)
                if (a.TokenOffsets[s] != a.TokenOffsets[s + 1] || a.HasByteEdges[s])
                    return false;
            return true;
        }
    }

    public bool Accept(int token)
    {
        if ((uint)token >= (uint)_vocabulary.Size)
            return false;
        var ends = false;
        _next.Clear();
        var bytes = _vocabulary.TokenBytes[token];
        if (bytes.Length > 0 && Run(_current, bytes, _next) is var byteEnds && _next.Count > 0)
            ends = byteEnds;
        if (_runner.StepToken(_current, token, _trialA) is var tokenEnds && _trialA.Count > 0)
        {
            foreach (var p in _trialA.Items)
                _next.Add(p);
            ends |= tokenEnds;
        }
        if (_next.Count == 0)
            return false;
        (_current, _next) = (_next, _current);
        CanEnd = ends;
        return true;
    }

    public void FillMask(Span<ulong> mask, int remainingTokens = int.MaxValue)
    {
        mask = mask[.._vocabulary.MaskWords];
        // Far from the budget (or none given): the plain mask, reused whenever these positions come back.
        if (remainingTokens == int.MaxValue || remainingTokens - 1 >= LongestAfter())
        {
            PlainMask(mask);
            return;
        }
        var distance = _runner.Distance(_current);
        BudgetMask(mask, remainingTokens - 1 >= distance ? remainingTokens - 1 : Math.Max(distance - 1, 0));
    }

    private void PlainMask(Span<ulong> mask)
    {
        var key = PositionsKey();
        if (_grammar.TryGetMask(key, out var known))
        {
            known.CopyTo(mask);
            return;
        }
        mask.Clear();
        foreach (var position in _current.Items)
        {
            var classes = _grammar.Classified(position.State);
            classes.OrAccepted(mask);
            foreach (var t in classes.Uncertain)
                if ((mask[t >> 6] & 1UL << (t & 63)) == 0 && Survives(position, t, out _))
                    mask[t >> 6] |= 1UL << (t & 63);
            AddTokenEdges(position, mask, int.MaxValue);
        }
        _grammar.RememberMask(key, mask);
    }

    /// <summary>Only tokens after which the grammar can still be finished within <paramref name="limit"/> more bytes (a byte is at least one token's worth).</summary>
    private void BudgetMask(Span<ulong> mask, int limit)
    {
        mask.Clear();
        foreach (var position in _current.Items)
        {
            var classes = _grammar.Classified(position.State);
            var here = _runner.Distance(position.State, position.Stack);
            var slack = limit - here;
            if (slack >= 0)
            {
                _scratch.AsSpan().Clear();
                classes.OrAccepted(_scratch);
                for (var i = 0; i < classes.ShiftTokens.Length; i++)
                    if (classes.ShiftDeltas[i] > slack)
                        _scratch[classes.ShiftTokens[i] >> 6] &= ~(1UL << (classes.ShiftTokens[i] & 63));
                for (var w = 0; w < mask.Length; w++)
                    mask[w] |= _scratch[w];
            }
            else
            {
                for (var i = 0; i < classes.ShiftTokens.Length; i++)
                    if (classes.ShiftDeltas[i] <= slack)
                        mask[classes.ShiftTokens[i] >> 6] |= 1UL << (classes.ShiftTokens[i] & 63);
            }
            foreach (var t in classes.Uncertain)
                if ((mask[t >> 6] & 1UL << (t & 63)) == 0 && Survives(position, t, out var after) && after <= limit)
                    mask[t >> 6] |= 1UL << (t & 63);
            AddTokenEdges(position, mask, limit);
        }
    }

    private void AddTokenEdges(Position position, Span<ulong> mask, int limit)
    {
        var a = _automaton;
        for (var i = a.TokenOffsets[position.State]; i < a.TokenOffsets[position.State + 1]; i++)
        {
            var after = _runner.Distance(a.TokenNext[i], position.Stack);
            if (after <= limit)
                mask[a.TokenId[i] >> 6] |= 1UL << (a.TokenId[i] & 63);
        }
    }

    /// <summary>Whether <paramref name="token"/>'s bytes can be read from <paramref name="position"/> with its whole stack.</summary>
    private bool Survives(Position position, int token, out int distanceAfter)
    {
        _trialA.Clear();
        _trialA.Add(position);
        Run(_trialA, _vocabulary.TokenBytes[token], _trialB);
        distanceAfter = _trialB.Count > 0 ? _runner.Distance(_trialB) : Automaton.Unreachable;
        return _trialB.Count > 0;
    }

    /// <summary>Runs <paramref name="bytes"/> from <paramref name="from"/> into <paramref name="result"/> (empty when refused).</summary>
    private bool Run(PositionSet from, byte[] bytes, PositionSet result)
    {
        var source = from;
        var ends = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            var target = i % 2 == 0 ? _runA : _runB;
            ends = _runner.Step(source, bytes[i], target);
            if (target.Count == 0)
            {
                result.Clear();
                return false;
            }
            source = target;
        }
        result.CopyFrom(source);
        return ends;
    }

    /// <summary>How far a token that leaves its rule is assumed to move the shortest completion, at most (it depends on the callers).</summary>
    private const int UncertainShift = 64;

    /// <summary>
    /// The longest shortest-completion any token can leave behind, which decides when the budget starts to matter:
    /// per position (not from the nearest one: a token read by a farther position starts from its distance).
    /// </summary>
    private long LongestAfter()
    {
        var longest = 0L;
        var a = _automaton;
        foreach (var position in _current.Items)
        {
            var here = _runner.Distance(position.State, position.Stack);
            var classes = _grammar.Classified(position.State);
            var shift = Math.Max(classes.Uncertain.Length > 0 ? UncertainShift : 0, classes.MaxShift);
            longest = Math.Max(longest, here + shift);
            for (var i = a.TokenOffsets[position.State]; i < a.TokenOffsets[position.State + 1]; i++)
                longest = Math.Max(longest, _runner.Distance(a.TokenNext[i], position.Stack));
        }
        return longest;
    }

    /// <summary>A structural hash of the current positions (equal across matchers of the grammar).</summary>
    private ulong PositionsKey()
    {
        var key = (ulong)_current.Count;
        foreach (var (s, k) in _current.Items)
            key += StackTable.Mix((ulong)s * 0x9E37_79B9_7F4A_7C15UL ^ _runner.Stacks.Hash(k));
        return key;
    }
}
