using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda;

namespace Dynamo.Grammar.Tests;

/// <summary>Regexes checked by .NET's regex engine; Lark grammars by JSON parsing and a hand-written recognizer.</summary>
public sealed class RegexAndLarkTests
{
    private static readonly SyntheticTokenizer Tokenizer = new();
    private static readonly PdaGrammarCompiler Compiler = new();

    [Theory]
    [InlineData(@"\d{3}-\d{4}")]
    [InlineData(@"(Paris|Tokyo|New York), [A-Z]{2}")]
    [InlineData(@"[a-z]+(\.[a-z]+)*@example\.(com|org)")]
    [InlineData(@"(?:ab|cd){2,3}x?")]
    [InlineData(@"[^,\n]{1,8}(,[^,\n]{1,8}){0,3}")]
    [InlineData(@"\w+[ \t]\w+")]
    [InlineData(@"(true|false|null)")]
    [InlineData(@"[\u00e9\u65e5-\u65ff]+")]
    [InlineData(@"0x[0-9A-Fa-f]{1,4}")]
    public void Regex_outputs_match_the_regex_in_full(string pattern)
    {
        var grammar = Compiler.Compile(new RegexGrammar(pattern), Tokenizer);
        var check = new System.Text.RegularExpressions.Regex($"^(?:{pattern})$");
        var random = new Random(pattern.Length);
        for (var i = 0; i < 40; i++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 60);
            Assert.True(result.Finished);
            // .NET counts UTF-16 units, the engine code points (as ECMAScript's u flag and Python do): a character
            // outside the BMP is one character, so it is checked as one (U+E000 is in every class here that takes it).
            var text = string.Concat(result.Text.EnumerateRunes().Select(r => r.IsBmp ? r.ToString() : "\uE000"));
            Assert.Matches(check, text);
        }
    }

    [Theory]
    [InlineData("(?=a)b", "lookaround")]
    [InlineData(@"(a)\1", "backreference")]
    [InlineData(@"a\bb", "word boundary")]
    [InlineData("a{3,1}", "maximum is below its minimum")]
    [InlineData("(ab", "unclosed")]
    [InlineData("a)b", "unmatched")]
    [InlineData(@"\p{L}", "Unicode property")]
    public void Regexes_without_a_regular_language_are_refused(string pattern, string named) =>
        Assert.Contains(named, Assert.Throws<GrammarException>(() => Compiler.Compile(new RegexGrammar(pattern), Tokenizer)).Message);

    [Fact]
    public void A_lark_grammar_of_arithmetic_writes_balanced_expressions()
    {
        var grammar = Compiler.Compile(new LarkGrammar("""
            // sums of products of numbers and parenthesised expressions
            ?start: sum
            ?sum: product (("+" | "-") product)*
            ?product: atom ("*" atom)*
            ?atom: INT -> number
                 | "(" sum ")"
            %import common.INT
            """), Tokenizer);
        var random = new Random(3);
        for (var i = 0; i < 40; i++)
        {
            var text = Generation.Walk(grammar, Tokenizer, random, budget: 60).Text;
            var at = 0;
            Assert.True(Sum(text, ref at) && at == text.Length, text);
        }

        // A recognizer written from the grammar by hand.
        static bool Sum(string s, ref int i)
        {
            if (!Product(s, ref i))
                return false;
            while (i < s.Length && s[i] is '+' or '-')
            {
                i++;
                if (!Product(s, ref i))
                    return false;
            }
            return true;
        }
        static bool Product(string s, ref int i)
        {
            if (!Atom(s, ref i))
                return false;
            while (i < s.Length && s[i] == '*')
            {
                i++;
                if (!Atom(s, ref i))
                    return false;
            }
            return true;
        }
        static bool Atom(string s, ref int i)
        {
            if (i < s.Length && s[i] == '(')
            {
                i++;
                if (!Sum(s, ref i) || i >= s.Length || s[i] != ')')
                    return false;
                i++;
                return true;
            }
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
                i++;
            return i > start;
        }
    }

    [Fact]
    public void A_lark_json_grammar_with_ignored_whitespace_writes_json()
    {
        var grammar = Compiler.Compile(new LarkGrammar("""
            ?start: value
            ?value: object | array | STRING | NUMBER | "true" | "false" | "null"
            array: "[" [value ("," value)*] "]"
            object: "{" [pair ("," pair)*] "}"
            pair: STRING ":" value
            STRING: /"([^"\\\x00-\x1f]|\\["\\\/bfnrt])*"/
            NUMBER: /-?(0|[1-9][0-9]*)(\.[0-9]+)?/
            WS: /[ \t\n\r]+/
            %ignore WS
            """), Tokenizer);
        var random = new Random(4);
        for (var i = 0; i < 40; i++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 80);
            Assert.True(result.Finished);
            using var _ = JsonDocument.Parse(result.Text);
        }
    }

    [Theory]
    [InlineData("start: start \"a\" | \"b\"", "left-recursive")]
    [InlineData("start: missing", "not defined")]
    [InlineData("rule: \"a\"", "no 'start'")]
    [InlineData("start: \"a\"\n%import other.X", "common")]
    [InlineData("start: \"a\" \"b", "unterminated")]
    [InlineData("start: A\nA: a\na: \"x\"", "rule 'a'")]
    public void Bad_lark_grammars_are_refused(string source, string named) =>
        Assert.Contains(named, Assert.Throws<GrammarException>(() => Compiler.Compile(new LarkGrammar(source), Tokenizer)).Message);

    [Fact]
    public void A_choice_is_one_of_its_options()
    {
        var grammar = Compiler.Compile(new ChoiceGrammar(["yes", "no", "maybe so"]), Tokenizer);
        var random = new Random(5);
        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++)
            seen.Add(Generation.Walk(grammar, Tokenizer, random).Text);
        Assert.Equal(["maybe so", "no", "yes"], seen.Order());
    }
}
