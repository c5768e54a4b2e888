using Dynamo.Templates.Jinja.Lexing;

namespace Dynamo.Templates.Jinja.Tests;

/// <summary>Whitespace as Hugging Face's environment (trim_blocks, lstrip_blocks) leaves it; expected texts checked against Python's jinja2 3.1.</summary>
public sealed class LexerTests
{
    private static string Texts(string source) =>
        string.Concat(Lexer.Tokenize(source).Where(t => t.Kind == TokenKind.Text).Select(t => t.Value));

    [Theory]
    [InlineData("  {% if x %}\n  a\n  {% endif %}\nb", "  a\nb")]            // lstrip before block tags, trim the newline after
    [InlineData("x  {% if x %}y", "x  y")]                                  // not at a line start: kept
    [InlineData("  {{ x }}\nb", "  \nb")]                                   // expressions are neither stripped nor trimmed
    [InlineData("a\n\n", "a\n")]                                           // one newline at the very end goes (keep_trailing_newline is off)
    [InlineData("a\r\n", "a")]
    [InlineData("a  {%- if x -%}  \n b", "ab")]                             // '-' strips all whitespace on its side
    [InlineData("  {%+ if x +%}\nb", "  \nb")]                              // '+' keeps both
    [InlineData("a\n  {# note #}\nb", "a\nb")]                              // comments strip and trim like blocks
    [InlineData("{% raw %}\n{{ x }}{% if %}\n{% endraw %}", "{{ x }}{% if %}\n")]
    [InlineData("{{ {'a': {'b': 1}} }}x{% set y = {'c': {}} %}z", "xz")]      // '}}' and '%}' inside brackets do not end the tag
    public void WhitespaceControl(string source, string expected) => Assert.Equal(expected, Texts(source));

    [Fact]
    public void StringsDecodeEscapesAndOperatorsTakeTheLongestMatch()
    {
        var tokens = Lexer.Tokenize("{{ 'a\\n\\'b' ~ \"\\u00e9\\x41\\101\\U0001F389\\q\" // 2 ** 3 }}");
        Assert.Equal(["a\n'b", "~", "éAA🎉\\q", "//", "2", "**", "3"], tokens.Skip(1).Take(7).Select(t => t.Value));
    }

    [Theory]
    [InlineData("a\n{{ x", "line 2: a tag opened on line 2 is never closed with '}}'")]
    [InlineData("{# a", "line 1: a comment '{#' is never closed with '#}'")]
    [InlineData("\n\n{{ 'abc }}", "line 3: a string is never closed")]
    [InlineData("{{ x ; y }}", "line 1: unexpected character ';' in a tag")]
    public void BrokenTemplatesNameTheLine(string source, string message) =>
        Assert.Equal(message, Assert.Throws<TemplateException>(() => Lexer.Tokenize(source)).Message);
}
