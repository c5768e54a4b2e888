using System.Text.Json;

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
    // Undefined iterates as empty and has a length, so it is iterable and a sequence (Hermes prints "Union[]" for an anyOf type through this).
    [InlineData("{{ x is iterable }}|{{ x is sequence }}|{{ x is mapping }}|{% macro t(s) %}{% if s.type is iterable %}Union[{% for t in s.type %}{{ t }}{% endfor %}]{% endif %}{% endmacro %}{{ t({}) }}", "True|True|False|Union[]")]
    // lower/upper are str(value).islower()/isupper(): a cased letter is needed, and anything is turned into text first.
    [InlineData("{{ 'abc' is lower }}|{{ '' is lower }}|{{ '12' is lower }}|{{ ['a'] is lower }}|{{ 1 is lower }}|{{ x is lower }}|{{ 'AB1' is upper }}|{{ '日' is upper }}", "True|False|False|True|False|False|True|False")]
    [InlineData("{{ 3 * 'ab' }}|{{ 2 * [1] }}|{{ (1, 2) * 2 }}|{{ 2 * (1,) }}", "ababab|[1, 1]|(1, 2, 1, 2)|(1, 1)")]
    // Python's whitespace is wider than .NET's Trim() default set: em space, narrow no-break space, ideographic space…
    [InlineData("[{{ '\u3000a b\u2003'|trim }}][{{ '\u00a0x\u202f'.strip() }}][{{ 'a\u2009b\u205fc'.split()|join(',') }}][{{ '\u2000'.isspace() }}]", "[a b][x][a,b,c][True]")]
    // indent skips only empty lines (not blank-looking ones) and splits at every Python line break; splitlines likewise.
    [InlineData("[{{ 'a\n  \n\nb'|indent(2) }}][{{ 'a\nb'|indent(2, true) }}][{{ 'a\n\nb'|indent(2, blank=true) }}][{{ 'a\r\nb\rc'|indent(1) }}]", "[a\n    \n\n  b][  a\n  b][a\n  \n  b][a\n b\n c]")]
    [InlineData("{{ 'a\r\nb\rc\n\nd\n'.splitlines() }} {{ 3|round }} {{ 2.5|round }} {{ -7|abs }}", "['a', 'b', 'c', '', 'd'] 3 2.0 7")]
    // implicit tuples in set, print and for, as jinja2's parse_tuple reads them
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}|{{ 1, 'x' }}|{% for x in 1, 2 %}{{ x }}{% endfor %}", "12|(1, 'x')|12")]
    // a test's one argument may be a list or dict literal
    [InlineData("{{ 1 is in [1, 2] }}|{{ 'a' is in {'a': 1} }}|{{ 3 is divisibleby 3 }}", "True|True|True")]
    // a macro that reads varargs/kwargs takes extra arguments; defaults may use earlier parameters
    [InlineData("{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, b=3) }}|{% macro n(a, b=a) %}{{ a }}{{ b }}{% endmacro %}{{ n(1) }}", "1(2,){'b': 3}|11")]
    // unique ignores case unless asked, and takes an attribute
    [InlineData("{{ ['a', 'A', 'b']|unique|list }}|{{ ['a', 'A']|unique(case_sensitive=true)|list }}|{{ [{'k': 'X'}, {'k': 'x'}]|unique(attribute='k')|list }}", "['a', 'b']|['a', 'A']|[{'k': 'X'}]")]
    // the title filter starts words only after spaces, '-' and brackets; str.title() after any non-letter
    [InlineData("{{ 'hello-world foo_bar (x)'|title }}|{{ \"o'neil\"|title }}|{{ \"o'neil\".title() }}", "Hello-World Foo_bar (X)|O'neil|O'Neil")]
    // format is Python's %
    [InlineData("{{ '%s|%5s|%-3s|%05d|%+d|%.2f|%x|%%|%r'|format('a', 'b', 'c', 42, 7, 3.14159, 255, 'q') }}|{{ '%(a)s-%(b)d'|format(a='x', b=3) }}", "a|    b|c  |00042|+7|3.14|ff|%|'q'|x-3")]
    // sort: case, several attributes
    [InlineData("{{ [{'n': 'b'}, {'n': 'A'}]|sort(attribute='n')|map(attribute='n')|join }}|{{ ['b', 'A']|sort(case_sensitive=true)|join }}|{{ [{'a': 2, 'b': 1}, {'a': 1, 'b': 2}, {'a': 1, 'b': 1}]|sort(attribute='a,b')|map(attribute='b')|join }}", "Ab|Ab|121")]
    // dictsort by value ignores case too, and stays stable reversed
    [InlineData("{{ {'b': 'B', 'a': 'a'}|dictsort(by='value') }}|{{ {'b': 1, 'a': 1}|dictsort(by='value', reverse=true) }}", "[('a', 'a'), ('b', 'B')]|[('b', 1), ('a', 1)]")]
    // attribute paths are dotted, digits index, map's default fills each missing step
    [InlineData("{{ [{'a': {'b': 1}}, {'a': {'b': 0}}]|selectattr('a.b')|list }}|{{ [{'a': [5]}]|map(attribute='a.0')|list }}|{{ [{}, {'a': {}}]|map(attribute='a.b', default='-')|list }}", "[{'a': {'b': 1}}]|[5]|['-', '-']")]
    // max/min ignore case and keep the first of equals; batch fills the last batch
    [InlineData("{{ ['a', 'B', 'c']|max }}|{{ ['a', 'B']|min }}|{{ [{'v': 1}, {'v': 3}]|max(attribute='v') }}|{{ [1, 2, 3]|batch(2, 'x')|list }}", "c|a|{'v': 3}|[[1, 2], [3, 'x']]")]
    // round is Python's exact round(); float() reads inf
    [InlineData("{{ 2.675|round(2) }}|{{ 0.125|round(2) }}|{{ 1234|round(-2) }}|{{ 1250|round(-2) }}|{{ -0.4|round }}|{{ 'inf'|float }}|{{ '-Infinity'|float }}", "2.67|0.12|1200|1200|-0.0|inf|-inf")]
    // repr escapes what Python cannot print; a namespace shows as one
    [InlineData("{{ ['\\u200b', '\\xa0', '\\u3000', 'é', '🎉', '\\x7f'] }}|{% set ns = namespace(a=1) %}{{ ns }}", "['\\u200b', '\\xa0', '\\u3000', 'é', '🎉', '\\x7f']|<Namespace {'a': 1}>")]
    public void RendersAsJinja2Does(string source, string expected) => Assert.Equal(expected, Render(source));

    /// <summary>Python's int has no range: a uint64 bound in a tool schema prints exactly, and arithmetic does not overflow.</summary>
    [Fact]
    public void IntegersPastLongStayExact() =>
        Assert.Equal("18446744073709551615 18446744073709551615 18446744073709551616 -18446744073709551615 2635249153387078802 1 True True 9223372036854775808 18446744073709551616 4052555153018976267 -4 18446744073709551616",
            Render("{{ n }} {{ n|tojson }} {{ n + 1 }} {{ -n }} {{ n // 7 }} {{ n % 7 }} {{ n > 1 }} {{ n is integer }} {{ 9223372036854775807 + 1 }} {{ 2 ** 64 }} {{ 3 ** 39 }} {{ -7 // 2 }} {{ '18446744073709551616'|int }}",
                new { n = JsonDocument.Parse("18446744073709551615").RootElement }));

    [Fact]
    public void CrlfAndCrTemplatesRenderAsLfOnes() =>
        Assert.Equal(Render("{% if true %}\na\n{% endif %}\nb"), Render("{% if true %}\r\na\r\n{% endif %}\rb"));

    [Theory]
    [InlineData("a\n{{ foo.bar }}", "line 2: 'foo' is undefined")]
    [InlineData("{% set d = {} %}\n\n{{ d.x.y }}", "line 3: 'dict object' has no attribute 'x'")]
    [InlineData("{{ 'a' + 1 }}", "line 1: can only concatenate str (not \"int\") to str")]
    [InlineData("{{ [1] + 'a' }}", "line 1: can only concatenate list (not \"str\") to list")]
    [InlineData("{{ none + 'a' }}", "line 1: unsupported operand type(s) for +: 'NoneType' and 'str'")]
    [InlineData("{{ 'a' * 'b' }}", "line 1: can't multiply sequence by non-int of type 'str'")]
    [InlineData("{{ 'x' in none }}", "line 1: argument of type 'NoneType' is not iterable")]
    [InlineData("{{ {'a': y}|tojson }}", "line 1: Object of type Undefined is not JSON serializable")]
    [InlineData("{{ y|tojson }}", "line 1: Object of type Undefined is not JSON serializable")]
    [InlineData("{{ x|nosuchfilter }}", "line 1: no filter named 'nosuchfilter'")]
    [InlineData("{% set l = [] %}{{ l.append(1) }}", "line 1: access to 'append' is not allowed: templates are rendered in an immutable sandbox, as Hugging Face renders them")]
    [InlineData("{{ 1 < 'a' }}", "line 1: '<' not supported between instances of 'int' and 'str'")]
    [InlineData("{{ [1] >= ['a'] }}", "line 1: '>=' not supported between instances of 'int' and 'str'")]
    [InlineData("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", "line 1: macro 'm' takes not more than 1 argument(s)")]
    [InlineData("{% macro m(a) %}{% endmacro %}{{ m(b=2) }}", "line 1: macro 'm' takes no keyword argument 'b'")]
    [InlineData("{% macro m() %}{% endmacro %}{% call m() %}x{% endcall %}", "line 1: macro 'm' was invoked with two values for the special caller argument. This is most likely a bug.")]
    public void RenderFailuresNameTheLine(string source, string message) =>
        Assert.Equal(message, Assert.Throws<TemplateException>(() => Render(source, new { x = "v" })).Message);

    [Fact]
    public void RaiseExceptionIsARefusalWithTheTemplatesMessage() =>
        Assert.Equal("no system role", Assert.Throws<Runtime.RaisedException>(() => Render("{{ raise_exception('no system role') }}")).Message);
}
