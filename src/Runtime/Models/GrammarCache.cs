using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.Models;

/// <summary>
/// A model's grammar engine with its compiled grammars kept (most recently used first, up to a bound):
/// a grammar is compiled once per tokenizer and shared by every request, the preprocessor (which checks it)
/// and the engines (which follow it) alike. Failures are not kept.
/// </summary>
internal sealed class GrammarCache(IGrammarCompiler compiler, string name, int capacity = 512) : IGrammarCompiler
{
    private readonly Dictionary<(string, ITokenizer), LinkedListNode<(string Key, ITokenizer Tokenizer, Lazy<ICompiledGrammar> Grammar)>> _entries = [];
    private readonly LinkedList<(string Key, ITokenizer Tokenizer, Lazy<ICompiledGrammar> Grammar)> _order = [];

    /// <summary>The grammar engine's name, for the log.</summary>
    public string Name { get; } = name;

    public ICompiledGrammar Compile(GrammarSpec spec, ITokenizer tokenizer)
    {
        Lazy<ICompiledGrammar> grammar;
        var key = (spec.CacheKey, tokenizer);
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
            }
            else
            {
                node = _order.AddFirst((key.CacheKey, tokenizer, new Lazy<ICompiledGrammar>(() => compiler.Compile(spec, tokenizer))));
                _entries[key] = node;
                if (_order.Count > capacity)
                {
                    _entries.Remove((_order.Last!.Value.Key, _order.Last.Value.Tokenizer));
                    _order.RemoveLast();
                }
            }
            grammar = node.Value.Grammar;
        }
        try
        {
            return grammar.Value;
        }
        catch
        {
            lock (_entries)
                if (_entries.Remove(key, out var failed))
                    _order.Remove(failed);
            throw;
        }
    }
}
