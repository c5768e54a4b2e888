using System.Globalization;
using System.Text;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;
using Dynamo.Grammar.Pda.Regex;

namespace Dynamo.Grammar.Pda.Lark;

/// <summary>
/// Lark-style EBNF, as vLLM's <c>structured_outputs.grammar</c> takes it: rules (<c>name: a b | c</c>,
/// with <c>?</c> and <c>!</c> prefixes read and ignored), terminals (<c>NAME: "text" | /regex/i</c>),
/// strings with Python escapes and the <c>i</c> flag, <c>"a".."z"</c> ranges, groups, <c>[optional]</c>,
/// <c>? * +</c>, <c>~ n</c> and <c>~ n..m</c>, aliases (<c>-> name</c>, ignored), priorities (ignored),
/// <c>%import common.X</c> for Lark's common terminals, and <c>%ignore</c> (what it names may appear
/// between the items of every rule). <c>start</c> is the start rule.
/// </summary>
internal sealed class LarkTranslator
{
    private readonly GrammarBuilder _g;
    private readonly Dictionary<string, int> _rules = new(StringComparer.Ordinal);
    private readonly List<(string Name, List<Token> Body, bool Terminal)> _definitions = [];
    private readonly List<string> _ignored = [];
    private List<Token> _tokens = [];
    private int _at;
    private bool _terminalContext;

    private LarkTranslator(GrammarBuilder g) => _g = g;

    /// <summary>Adds the grammar's rules; returns the start rule.</summary>
    public static int Translate(GrammarBuilder g, string source)
    {
        var translator = new LarkTranslator(g);
        translator.ReadDefinitions(Lex(source));
        return translator.Build();
    }

    private static GrammarException Error(string message) => new($"Lark grammar: {message}.");

    private enum Kind { Name, String, Regex, Punct, Number, Newline, Directive, End }

    private sealed record Token(Kind Kind, string Text, int Line, string Flags = "");

    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal)
    {
        ["DIGIT"] = "/[0-9]/",
        ["HEXDIGIT"] = "/[a-fA-F0-9]/",
        ["INT"] = "/[0-9]+/",
        ["SIGNED_INT"] = "/[+-]?[0-9]+/",
        ["DECIMAL"] = @"/[0-9]+\.[0-9]*|\.[0-9]+/",
        ["FLOAT"] = @"/[0-9]+[eE][+-]?[0-9]+|([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/",
        ["SIGNED_FLOAT"] = @"/[+-]?([0-9]+[eE][+-]?[0-9]+|([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)/",
        ["NUMBER"] = @"/[0-9]+[eE][+-]?[0-9]+|([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[0-9]+/",
        ["SIGNED_NUMBER"] = @"/[+-]?([0-9]+[eE][+-]?[0-9]+|([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[0-9]+)/",
        ["ESCAPED_STRING"] = @"/""([^""\\\n]|\\.)*""/",
        ["LCASE_LETTER"] = "/[a-z]/",
        ["UCASE_LETTER"] = "/[A-Z]/",
        ["LETTER"] = "/[a-zA-Z]/",
        ["WORD"] = "/[a-zA-Z]+/",
        ["CNAME"] = "/[a-zA-Z_][a-zA-Z0-9_]*/",
        ["WS_INLINE"] = "/[ \\t]+/",
        ["WS"] = "/[ \\t\\f\\r\\n]+/",
        ["CR"] = "/\\r/",
        ["LF"] = "/\\n/",
        ["NEWLINE"] = "/(\\r?\\n)+/",
    };

    private static List<Token> Lex(string source)
    {
        var tokens = new List<Token>();
        var line = 1;
        for (var i = 0; i < source.Length;)
        {
            var c = source[i];
            if (c == '\n')
            {
                tokens.Add(new Token(Kind.Newline, "\n", line++));
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n')
                    i++;
            }
            else if (c == '"')
            {
                i++;
                var text = new StringBuilder();
                while (i < source.Length && source[i] != '"')
                {
                    if (source[i] == '\n')
                        throw Error($"line {line}: an unterminated string");
                    if (source[i] == '\\' && i + 1 < source.Length)
                    {
                        i++;
                        text.Append(source[i] switch
                        {
                            'n' => "\n",
                            't' => "\t",
                            'r' => "\r",
                            '"' => "\"",
                            '\\' => "\\",
                            'x' when i + 2 < source.Length => ((char)int.Parse(source.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                            'u' when i + 4 < source.Length => ((char)int.Parse(source.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                            var other => "\\" + other,
                        });
                        i += source[i] switch { 'x' => 3, 'u' => 5, _ => 1 };
                        continue;
                    }
                    text.Append(source[i++]);
                }
                if (i >= source.Length)
                    throw Error($"line {line}: an unterminated string");
                i++;
                var flags = i < source.Length && source[i] == 'i' ? "i" : "";
                i += flags.Length;
                tokens.Add(new Token(Kind.String, text.ToString(), line, flags));
            }
            else if (c == '/')
            {
                var text = new StringBuilder();
                i++;
                while (i < source.Length && source[i] != '/')
                {
                    if (source[i] == '\n')
                        throw Error($"line {line}: an unterminated regex");
                    if (source[i] == '\\' && i + 1 < source.Length)
                        text.Append(source[i++]);
                    text.Append(source[i++]);
                }
                if (i >= source.Length)
                    throw Error($"line {line}: an unterminated regex");
                i++;
                var flags = new StringBuilder();
                while (i < source.Length && char.IsAsciiLetterLower(source[i]))
                    flags.Append(source[i++]);
                tokens.Add(new Token(Kind.Regex, text.ToString(), line, flags.ToString()));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_'))
                    i++;
                tokens.Add(new Token(Kind.Name, source[start..i], line));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                    i++;
                tokens.Add(new Token(Kind.Number, source[start..i], line));
            }
            else if (c == '%')
            {
                var start = ++i;
                while (i < source.Length && char.IsAsciiLetter(source[i]))
                    i++;
                tokens.Add(new Token(Kind.Directive, source[start..i], line));
            }
            else if (source.AsSpan(i).StartsWith("..") || source.AsSpan(i).StartsWith("->"))
            {
                tokens.Add(new Token(Kind.Punct, source.Substring(i, 2), line));
                i += 2;
            }
            else if (":|()[]?*+~.!".Contains(c))
            {
                tokens.Add(new Token(Kind.Punct, c.ToString(), line));
                i++;
            }
            else
            {
                throw Error($"line {line}: unexpected '{c}'");
            }
        }
        tokens.Add(new Token(Kind.End, "", line));
        return tokens;
    }

    private Token Peek => _tokens[_at];

    private bool IsPunct(string p) => Peek.Kind == Kind.Punct && Peek.Text == p;

    private void SkipNewlines()
    {
        while (Peek.Kind == Kind.Newline)
            _at++;
    }

    /// <summary>Splits the token stream into definitions: a name (or directive) at a line's start, to the next one.</summary>
    private void ReadDefinitions(List<Token> tokens)
    {
        _tokens = tokens;
        SkipNewlines();
        while (Peek.Kind != Kind.End)
        {
            if (Peek.Kind == Kind.Directive)
            {
                Directive();
                SkipNewlines();
                continue;
            }
            while (IsPunct("?") || IsPunct("!"))
                _at++;
            if (Peek.Kind != Kind.Name)
                throw Error($"line {Peek.Line}: expected a rule or terminal name, found '{Peek.Text}'");
            var name = Peek.Text;
            _at++;
            if (IsPunct("."))
            {
                _at++;
                if (Peek.Kind != Kind.Number)
                    throw Error($"line {Peek.Line}: expected a priority after '{name}.'");
                _at++;
            }
            if (!IsPunct(":"))
                throw Error($"line {Peek.Line}: expected ':' after '{name}'");
            _at++;
            var body = new List<Token>();
            var depth = 0;
            while (Peek.Kind != Kind.End)
            {
                if (Peek.Kind == Kind.Newline && depth == 0)
                {
                    // A definition continues on a line that starts with '|'.
                    var look = _at;
                    while (_tokens[look].Kind == Kind.Newline)
                        look++;
                    if (_tokens[look].Kind == Kind.Punct && _tokens[look].Text == "|")
                    {
                        _at = look;
                        continue;
                    }
                    break;
                }
                if (Peek.Kind == Kind.Punct && Peek.Text is "(" or "[")
                    depth++;
                if (Peek.Kind == Kind.Punct && Peek.Text is ")" or "]")
                    depth--;
                if (Peek.Kind != Kind.Newline)
                    body.Add(Peek);
                _at++;
            }
            if (_rules.ContainsKey(name))
                throw Error($"'{name}' is defined twice");
            _rules[name] = _g.Declare(name);
            _definitions.Add((name, body, char.IsUpper(name[0])));
            SkipNewlines();
        }
    }

    private void Directive()
    {
        var directive = Peek.Text;
        var line = Peek.Line;
        _at++;
        var words = new List<Token>();
        while (Peek.Kind is not (Kind.Newline or Kind.End))
            words.Add(_tokens[_at++]);
        switch (directive)
        {
            case "import":
                // %import common.NAME, or %import common (NAME, NAME)
                var names = words.Where(w => w.Kind == Kind.Name).Select(w => w.Text).ToList();
                if (names.Count < 2 || names[0] != "common")
                    throw Error($"line {line}: only '%import common.NAME' is supported");
                foreach (var name in names.Skip(1))
                {
                    if (!Common.TryGetValue(name, out var pattern))
                        throw Error($"line {line}: 'common.{name}' is not one of the common terminals this engine knows ({string.Join(", ", Common.Keys)})");
                    if (!_rules.ContainsKey(name))
                    {
                        _rules[name] = _g.Declare(name);
                        _definitions.Add((name, Lex(pattern).Where(t => t.Kind != Kind.End).ToList(), true));
                    }
                }
                break;
            case "ignore":
                foreach (var w in words.Where(w => w.Kind == Kind.Name))
                    _ignored.Add(w.Text);
                if (words.Any(w => w.Kind != Kind.Name))
                    throw Error($"line {line}: '%ignore' takes terminal names");
                break;
            default:
                throw Error($"line {line}: '%{directive}' is not supported");
        }
    }

    private int Build()
    {
        if (!_rules.TryGetValue("start", out var start))
            throw Error("there is no 'start' rule");
        foreach (var name in _ignored)
            if (!_rules.ContainsKey(name))
                throw Error($"'%ignore {name}': '{name}' is not defined");
        var ignore = _ignored.Count == 0 ? null : Node.Star(Node.Alt([.. _ignored.Select(n => (Node)new RuleRef(_rules[n]))]));
        foreach (var (name, body, terminal) in _definitions)
        {
            _tokens = [.. body, new Token(Kind.End, "", 0)];
            _at = 0;
            _terminalContext = terminal;
            var node = Expansions(terminal ? null : ignore);
            if (Peek.Kind != Kind.End)
                throw Error($"in '{name}': unexpected '{Peek.Text}'");
            _g.Define(_rules[name], node);
        }
        return ignore is null ? start : _g.Add("start:ignored", Node.Seq(ignore, new RuleRef(start), ignore));
    }

    private Node Expansions(Node? ignore)
    {
        var alternatives = new List<Node> { Sequence(ignore) };
        while (IsPunct("|"))
        {
            _at++;
            alternatives.Add(Sequence(ignore));
        }
        return Node.Alt([.. alternatives]);
    }

    private Node Sequence(Node? ignore)
    {
        var items = new List<Node>();
        while (Peek.Kind != Kind.End && !IsPunct("|") && !IsPunct(")") && !IsPunct("]"))
        {
            if (IsPunct("->"))
            {
                _at += 2; // an alias names the tree node; the language is the same
                continue;
            }
            if (ignore is not null && items.Count > 0)
                items.Add(ignore);
            items.Add(Quantified(Atom(ignore), ignore));
        }
        return Node.Seq([.. items]);
    }

    private Node Quantified(Node atom, Node? ignore)
    {
        while (true)
        {
            if (IsPunct("?"))
                atom = Node.Opt(atom);
            else if (IsPunct("*"))
                atom = Node.Star(ignore is null ? atom : Node.Seq(atom, ignore));
            else if (IsPunct("+"))
                atom = Node.Plus(ignore is null ? atom : Node.Seq(atom, ignore));
            else if (IsPunct("~"))
            {
                _at++;
                var min = Number();
                var max = min;
                if (IsPunct(".."))
                {
                    _at++;
                    max = Number();
                }
                if (max < min || max > RegexParser.MaxCount)
                    throw Error($"a repetition ~ {min}..{max} out of range");
                atom = new Repeat(atom, min, max);
                continue;
            }
            else
                return atom;
            _at++;
        }
    }

    private int Number()
    {
        if (Peek.Kind != Kind.Number)
            throw Error($"expected a number after '~', found '{Peek.Text}'");
        return int.Parse(_tokens[_at++].Text, CultureInfo.InvariantCulture);
    }

    private Node Atom(Node? ignore)
    {
        var token = _tokens[_at++];
        switch (token.Kind)
        {
            case Kind.String:
                if (IsPunct(".."))
                {
                    _at++;
                    var end = _tokens[_at++];
                    if (end.Kind != Kind.String || token.Text.EnumerateRunes().Count() != 1 || end.Text.EnumerateRunes().Count() != 1)
                        throw Error("a range must join two one-character strings (\"a\"..\"z\")");
                    return Utf8Sequences.Of(CodePointSet.Of((Rune.GetRuneAt(token.Text, 0).Value, Rune.GetRuneAt(end.Text, 0).Value)));
                }
                return token.Flags == "i"
                    ? Node.Seq([.. token.Text.EnumerateRunes().Select(r => Utf8Sequences.Of(CodePointSet.Of(r.Value).CaseInsensitive()))])
                    : Node.Text(token.Text);
            case Kind.Regex:
                foreach (var flag in token.Flags)
                    if (flag is not ('i' or 's'))
                        throw Error($"the regex flag '{flag}' is not supported (i and s are)");
                var (rx, _, _) = RegexParser.Parse(token.Text, $"/{token.Text}/", dotAll: token.Flags.Contains('s'));
                var insensitive = token.Flags.Contains('i');
                return RegexNodes.ToNode(rx, set => Utf8Sequences.Of(insensitive ? set.CaseInsensitive() : set));
            case Kind.Name:
                if (!_rules.TryGetValue(token.Text, out var rule))
                    throw Error($"'{token.Text}' is used but not defined");
                if (_terminalContext && !char.IsUpper(token.Text[0]))
                    throw Error($"terminal definitions may not use the rule '{token.Text}'");
                return new RuleRef(rule);
            case Kind.Punct when token.Text == "(":
            {
                var inner = Expansions(ignore);
                if (!IsPunct(")"))
                    throw Error("an unclosed '('");
                _at++;
                return inner;
            }
            case Kind.Punct when token.Text == "[":
            {
                var inner = Expansions(ignore);
                if (!IsPunct("]"))
                    throw Error("an unclosed '['");
                _at++;
                return Node.Opt(inner);
            }
            default:
                throw Error($"unexpected '{token.Text}'");
        }
    }
}
