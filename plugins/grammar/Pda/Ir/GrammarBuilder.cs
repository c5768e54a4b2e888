using Dynamo.Abstractions.Constraints;

namespace Dynamo.Grammar.Pda.Ir;

/// <summary>A grammar being built: named rules, each a <see cref="Node"/>; rules may be declared first and defined later (recursion).</summary>
internal sealed class GrammarBuilder
{
    /// <summary>More rule bodies than this is a grammar too large to serve (a schema with thousands of definitions, a runaway expansion).</summary>
    public const int MaxRules = 20_000;

    private readonly List<string> _names = [];
    private readonly List<Node?> _bodies = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<int> _kept = [];

    public IReadOnlyList<string> Names => _names;

    public IReadOnlyList<Node?> Bodies => _bodies;

    public int Count => _names.Count;

    /// <summary>A new rule with no body yet.</summary>
    public int Declare(string name)
    {
        if (_names.Count >= MaxRules)
            throw new GrammarException($"The grammar needs more than {MaxRules} rules.");
        _names.Add(name);
        _bodies.Add(null);
        return _names.Count - 1;
    }

    public void Define(int rule, Node body) => _bodies[rule] = body;

    public int Add(string name, Node body)
    {
        var rule = Declare(name);
        Define(rule, body);
        return rule;
    }

    /// <summary>One rule per key, built on first use (shared sub-grammars such as JSON's string or number).</summary>
    /// <param name="keep">
    /// Never inline it: its states then stay the same in every grammar (a JSON string's body), so their
    /// token classes are computed once per vocabulary, not once per place the rule is used.
    /// </param>
    public Node Shared(string key, Func<Node> body, bool keep = false)
    {
        if (!_byKey.TryGetValue(key, out var rule))
        {
            rule = Declare(key);
            _byKey[key] = rule;
            Define(rule, body());
            if (keep)
                _kept.Add(rule);
        }
        return new RuleRef(rule);
    }

    /// <summary>Rules the inliner must leave as calls.</summary>
    public IReadOnlySet<int> Kept => _kept;

    /// <summary>A rule per key that may refer to itself: declared before its body is built, which gets the rule's own reference.</summary>
    public Node Recursive(string key, Func<RuleRef, Node> body)
    {
        if (_byKey.TryGetValue(key, out var rule))
            return new RuleRef(rule);
        rule = Declare(key);
        _byKey[key] = rule;
        Define(rule, body(new RuleRef(rule)));
        return new RuleRef(rule);
    }
}
