namespace Dynamo.Templates.Jinja.Syntax;

// The expression tree: a closed family of small records, kept together so the whole grammar reads in one place.

internal abstract record Expr(int Line);

internal sealed record Literal(object? Value, int Line) : Expr(Line);

internal sealed record Name(string Identifier, int Line) : Expr(Line);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record TupleExpr(IReadOnlyList<Expr> Items, int Line) : Expr(Line);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Pairs, int Line) : Expr(Line);

internal sealed record GetAttr(Expr Target, string Attribute, int Line) : Expr(Line);

internal sealed record GetItem(Expr Target, Expr Key, int Line) : Expr(Line);

internal sealed record Slice(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    public static readonly Arguments None = new([], []);
}

internal sealed record Call(Expr Target, Arguments Args, int Line) : Expr(Line);

internal sealed record Filter(Expr Target, string FilterName, Arguments Args, int Line) : Expr(Line);

internal sealed record Test(Expr Target, string TestName, Arguments Args, bool Negated, int Line) : Expr(Line);

/// <param name="Operator">"not", "-" or "+".</param>
internal sealed record Unary(string Operator, Expr Operand, int Line) : Expr(Line);

/// <param name="Operator">"or", "and", "in", "not in", a comparison, or arithmetic ("+", "-", "*", "/", "//", "%", "**", "~").</param>
internal sealed record Binary(string Operator, Expr Left, Expr Right, int Line) : Expr(Line);

internal sealed record Conditional(Expr Condition, Expr Then, Expr? Else, int Line) : Expr(Line);
