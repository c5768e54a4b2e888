using System.Collections.Concurrent;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Automata;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// A grammar's automaton over one vocabulary, with what matching learns as it goes: each state's token
/// classes (computed on first use, shared with other grammars through the vocabulary when the state's
/// sub-automaton is common) and whole masks of positions seen before. Thread-safe.
/// </summary>
internal sealed class CompiledGrammar : ICompiledGrammar
{
    /// <summary>Memory for remembered masks, per grammar.</summary>
    public const long MaskCacheBytes = 32L << 20;

    private readonly StateTokens?[] _classified;
    private readonly Lazy<ChainTokens?>[] _chains;
    private readonly ConcurrentDictionary<ulong, ulong[]> _masks = new();
    private readonly int _maxMasks;

    public Automaton Automaton { get; }

    public Vocabulary Vocabulary { get; }

    public CompiledGrammar(Automaton automaton, Vocabulary vocabulary)
    {
        (Automaton, Vocabulary) = (automaton, vocabulary);
        _classified = new StateTokens?[automaton.StateCount];
        _chains = [.. Enumerable.Range(0, automaton.Chains.Count).Select(c => new Lazy<ChainTokens?>(() => ChainTokens.For(automaton, vocabulary, c)))];
        _maxMasks = (int)Math.Max(16, MaskCacheBytes / (vocabulary.MaskWords * 8L));
    }

    public ITokenMatcher CreateMatcher() => new Matcher(this);

    public StateTokens Classified(int state)
    {
        if (Volatile.Read(ref _classified[state]) is { } known)
            return known;
        StateTokens tokens;
        if (Automaton.ChainOf[state] is >= 0 and var chain && _chains[chain].Value is { } counted)
        {
            tokens = counted.Classify(Automaton.ChainIndex[state]);
        }
        else if (Signature.Of(Automaton, state, Vocabulary.MaxDepth + 1) is { } signature)
        {
            var shared = Vocabulary.SharedClassifications;
            if (!shared.TryGetValue(signature, out tokens!))
            {
                tokens = StateTokens.Classify(Automaton, Vocabulary, state);
                if (shared.Count < Vocabulary.MaxSharedClassifications)
                    tokens = shared.GetOrAdd(signature, tokens);
            }
        }
        else
        {
            tokens = StateTokens.Classify(Automaton, Vocabulary, state);
        }
        return Interlocked.CompareExchange(ref _classified[state], tokens, null) ?? tokens;
    }

    public bool TryGetMask(ulong key, out ulong[] mask) => _masks.TryGetValue(key, out mask!);

    public void RememberMask(ulong key, ReadOnlySpan<ulong> mask)
    {
        if (_masks.Count < _maxMasks)
            _masks.TryAdd(key, mask.ToArray());
    }
}
