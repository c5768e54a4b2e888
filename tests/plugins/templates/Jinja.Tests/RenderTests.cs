namespace Dynamo.Templates.Jinja.Tests;

/// <summary>Rendering semantics, each expected text checked against Python's jinja2 3.1 in Hugging Face's configuration.</summary>
public sealed class RenderTests
{
    private static string Render(string source, object? variables = null) =>
        new JinjaTemplate(source, () => new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero))
            .Render((variables?.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(variables)) ?? []) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>());

    [Theory]
    [InlineData("{% set x = 0 %}{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}", "120")]   // a loop body's set does not outlive the iteration
    [InlineData("{% set ns = namespace(n=0) %}{% for i in [1,2] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}", "3")]
    [InlineData("{{ missing }}|{{ missing is defined }}|{{ missing|length }}|{% for x in missing %}a{% endfor %}|{{ missing|default('d') }}", "|False|0||d")]
    [InlineData("{{ 'a' if false }}|{{ none }}|{{ true }}|{{ [none, 'x', 1.0] }}", "|None|True|[None, 'x', 1.0]")]
    [InlineData("{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 1e-5 }} {{ 10/4 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 0.1 + 0.2 }}", "1e+16 1000000000000000.0 0.0001 1e-05 2.5 3 -4 2 1024 0.30000000000000004")]
    [InlineData("{{ [3,1,2]|sort|list }} {{ {'b':1,'a':2}|dictsort }} {{ 'hello world'|title }} {{ [1,2,3]|join(', ') }}", "[1, 2, 3] [('a', 2), ('b', 1)] Hello World 1, 2, 3")]
    [InlineData("{{ {'a': 1, 'b': [1, 2.5, none, true, 'é\"']}|tojson }} {{ {'a': 1}|tojson(indent=2) }}", "{\"a\": 1, \"b\": [1, 2.5, null, true, \"é\\\"\"]} {\n  \"a\": 1\n}")]
    [InlineData("{{ 'a,b,,c'.split(',') }} {{ ' x '.strip() }} {{ 'abc'[::-1] }} {{ 'ab'.startswith(('x','a')) }} {{ [1,2,3][-1] }} {{ [1,2,3][1:] }}", "['a', 'b', '', 'c'] x cba True 3 [2, 3]")]
    [InlineData("{% for m in [1,2,3] if m != 2 %}{{ loop.index }}/{{ loop.length }}{{ loop.last }} {% endfor %}", "1/2False 2/2True ")]
    [InlineData("{{ [{'a':1},{'a':2}] | map(attribute='a') | list }} {{ [{'a':1},{'b':2}] | selectattr('a', 'defined') | list }} {{ [1,2] | map('string') | join }}", "[1, 2] [{'a': 1}] 12")]
    [InlineData("{% macro f(a, b=2) %}{{ a }}{{ b }}{{ caller() if caller is defined }}{% endmacro %}{{ f(1) }}|{% call f(3, b=4) %}!{% endcall %}", "12|34!")]
    [InlineData("{% for x in [1,2,3] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}", "1")]
    [InlineData("{% set t %}  a  {% endset %}[{{ t }}]{% filter upper %}b{% endfilter %}", "[  a  ]B")]
    [InlineData("{{ strftime_now('%d %b %Y %H:%M') }} {{ 'x{}y{}'.format(1, 'a') }} {{ {'a': 1}.get('b', 'z') }}", "15 Jan 2026 10:30 x1ya z")]
    [InlineData("{{ 2.5|round }} {{ 3.14159|round(2) }} {{ '3'|int + 1 }} {{ range(3)|list }} {{ (1,) }}", "2.0 3.14 4 [0, 1, 2] (1,)")]
    public void RendersAsJinja2Does(string source, string expected) => Assert.Equal(expected, Render(source));

    [Fact]
    public void CrlfAndCrTemplatesRenderAsLfOnes() =>
        Assert.Equal(Render("{% if true %}\na\n{% endif %}\nb"), Render("{% if true %}\r\na\r\n{% endif %}\rb"));

    [Theory]
    [InlineData("a\n{{ foo.bar }}", "line 2: 'foo' is undefined")]
    [InlineData("{% set d = {} %}\n\n{{ d.x.y }}", "line 3: 'dict object' has no attribute 'x'")]
    [InlineData("{{ 'a' + 1 }}", "line 1: unsupported operand type(s) for +: 'str' and 'int'")]
    [InlineData("{{ x|nosuchfilter }}", "line 1: no filter named 'nosuchfilter'")]
    [InlineData("{% set l = [] %}{{ l.append(1) }}", "line 1: access to 'append' is not allowed: templates are rendered in an immutable sandbox, as Hugging Face renders them")]
    public void RenderFailuresNameTheLine(string source, string message) =>
        Assert.Equal(message, Assert.Throws<TemplateException>(() => Render(source, new { x = "v" })).Message);

    [Fact]
    public void RaiseExceptionIsARefusalWithTheTemplatesMessage() =>
        Assert.Equal("no system role", Assert.Throws<Runtime.RaisedException>(() => Render("{{ raise_exception('no system role') }}")).Message);
}
