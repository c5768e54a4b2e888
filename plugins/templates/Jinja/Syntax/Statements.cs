namespace Dynamo.Templates.Jinja.Syntax;

// The statement tree: a closed family of small records, kept together like the expressions.

internal abstract record Node(int Line);

internal sealed record TextNode(string Text, int Line) : Node(Line);

internal sealed record Emit(Expr Value, int Line) : Node(Line);

internal sealed record If(IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node>? Else, int Line) : Node(Line);

internal sealed record For(IReadOnlyList<string> Targets, Expr Iterable, Expr? Condition, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else, bool Recursive, int Line) : Node(Line);

/// <summary><c>set a = …</c>, <c>set a, b = …</c> or <c>set ns.attr = …</c> (then <paramref name="Attribute"/> is set).</summary>
internal sealed record Set(IReadOnlyList<string> Targets, string? Attribute, Expr Value, int Line) : Node(Line);

/// <summary><c>{% set x %}…{% endset %}</c>: the rendered body, through optional filters.</summary>
internal sealed record SetBlock(string Target, IReadOnlyList<(string Name, Arguments Args)> Filters, IReadOnlyList<Node> Body, int Line) : Node(Line);

internal sealed record Macro(string MacroName, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Node> Body, int Line) : Node(Line)
{
    /// <summary>Which of varargs, kwargs and caller the body reads: as in jinja2, only those let a call pass extra arguments or a call block.</summary>
    public IReadOnlySet<string> Special { get; } = SyntaxWalk.SpecialNames(Body);
}

/// <summary><c>{% call(args) macro(…) %}…{% endcall %}</c>: the body is the macro's <c>caller()</c>.</summary>
internal sealed record CallBlock(Call Invocation, IReadOnlyList<(string Name, Expr? Default)> CallerParameters, IReadOnlyList<Node> Body, int Line) : Node(Line)
{
    /// <summary>Which of varargs, kwargs and caller the body (the <c>caller</c> macro) reads.</summary>
    public IReadOnlySet<string> Special { get; } = SyntaxWalk.SpecialNames(Body);
}

internal sealed record FilterBlock(IReadOnlyList<(string Name, Arguments Args)> Filters, IReadOnlyList<Node> Body, int Line) : Node(Line);

internal sealed record Break(int Line) : Node(Line);

internal sealed record Continue(int Line) : Node(Line);

/// <summary>Hugging Face's <c>{% generation %}</c> marker around assistant text: renders its body.</summary>
internal sealed record Generation(IReadOnlyList<Node> Body, int Line) : Node(Line);
