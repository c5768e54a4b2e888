using Dynamo.Templates.Jinja.Parsing;
using Dynamo.Templates.Jinja.Syntax;

namespace Dynamo.Templates.Jinja.Tests;

public sealed class ParserTests
{
    public static TheoryData<string> RealTemplates() => [.. SharedTemplates.Names];

    [SkippableTheory]
    [MemberData(nameof(RealTemplates))]
    public void EveryRealChatTemplateParses(string name) => Assert.NotEmpty(Parser.Parse(SharedTemplates.Read(name)));

    private static Expr Expression(string source) => Assert.IsType<Emit>(Assert.Single(Parser.Parse($"{{{{ {source} }}}}"))).Value;

    [SkippableFact]
    public void PrecedenceFollowsJinja()
    {
        // a + (b | upper): filters bind to the operand.
        var sum = Assert.IsType<Binary>(Expression("a + b | upper"));
        Assert.Equal("+", sum.Operator);
        Assert.IsType<Filter>(sum.Right);
        // not (x is defined) and y
        var and = Assert.IsType<Binary>(Expression("not x is defined and y"));
        Assert.Equal("and", and.Operator);
        Assert.IsType<Test>(Assert.IsType<Unary>(and.Left).Operand);
        // (a ~ b) == c, with * binding tighter than ~
        var eq = Assert.IsType<Binary>(Expression("a ~ b * 2 == c"));
        Assert.Equal("~", Assert.IsType<Binary>(eq.Left).Operator);
        Assert.Equal("*", Assert.IsType<Binary>(Assert.IsType<Binary>(eq.Left).Right).Operator);
        Assert.Equal("not in", Assert.IsType<Binary>(Expression("'x' not in y")).Operator);
        Assert.IsType<Conditional>(Expression("a if b else c"));
    }

    [SkippableFact]
    public void PostfixAccessSlicesCallsAndLiterals()
    {
        var slice = Assert.IsType<Slice>(Expression("messages[1:][::-1]"));
        Assert.Null(slice.Start);
        Assert.IsType<Unary>(slice.Step);
        var call = Assert.IsType<Call>(Expression("x.split('a', maxsplit=1)"));
        Assert.Single(call.Args.Positional);
        Assert.Equal("maxsplit", call.Args.Named.Single().Name);
        Assert.Equal(2, Assert.IsType<DictExpr>(Expression("{'a': [1, 2.5], 'b': (none, True),}")).Pairs.Count);
        Assert.Equal("ab", Assert.IsType<Literal>(Expression("'a' \"b\"")).Value);
        // A tuple without parentheses where jinja2 takes one; a list or dict right after a test name is its argument.
        Assert.Equal(2, Assert.IsType<TupleExpr>(Expression("1, 'x'")).Items.Count);
        Assert.IsType<ListExpr>(Assert.IsType<Test>(Expression("x is in [1, 2]")).Args.Positional.Single());
    }

    [SkippableFact]
    public void StatementsNest()
    {
        var nodes = Parser.Parse("{% for m in messages if m.role != 'system' %}{% if loop.first %}a{% elif x %}b{% else %}c{% endif %}{% else %}none{% endfor %}"
            + "{% set ns = namespace(found=false) %}{% set ns.found = true %}{% set block | trim %} x {% endset %}"
            + "{% macro f(a, b=1) %}{{ caller() }}{% endmacro %}{% call(x) f(1) %}y{% endcall %}{% filter upper %}z{% endfilter %}");
        var loop = Assert.IsType<For>(nodes[0]);
        Assert.NotNull(loop.Condition);
        Assert.Equal(2, Assert.IsType<If>(Assert.Single(loop.Body)).Branches.Count);
        Assert.Equal("found", Assert.IsType<Set>(nodes[2]).Attribute);
        Assert.Equal("trim", Assert.IsType<SetBlock>(nodes[3]).Filters.Single().Name);
        Assert.Equal(["a", "b"], Assert.IsType<Macro>(nodes[4]).Parameters.Select(p => p.Name));
        Assert.Equal("x", Assert.IsType<CallBlock>(nodes[5]).CallerParameters.Single().Name);
        Assert.IsType<FilterBlock>(nodes[6]);
    }

    [SkippableTheory]
    [InlineData("a\n{% if x %}b", "line 2: 'if' opened on line 2 is never closed with 'endif'")]
    [InlineData("{% for x in y %}{% endif %}", "line 1: expected 'else' or 'endfor', found 'endif'")]
    [InlineData("\n{% endfor %}", "line 2: unexpected 'endfor' with no block open")]
    [InlineData("{% frobnicate %}", "line 1: unknown tag 'frobnicate'")]
    [InlineData("{{ a + }}", "line 1: unexpected '}}' in an expression")]
    [InlineData("{{ x is defined is defined }}", "line 1: You cannot chain multiple tests with is")] // jinja2's words
    public void SyntaxErrorsNameTheLineAndWhatFailed(string source, string message) =>
        Assert.Equal(message, Assert.Throws<TemplateException>(() => Parser.Parse(source)).Message);
}
