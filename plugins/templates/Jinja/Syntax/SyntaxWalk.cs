namespace Dynamo.Templates.Jinja.Syntax;

/// <summary>Every expression of a template, nested ones included, for questions asked of a template before it renders.</summary>
internal static class SyntaxWalk
{
    public static IEnumerable<Expr> Expressions(IEnumerable<Node> nodes) => nodes.SelectMany(Expressions);

    /// <summary>The macro-call names (varargs, kwargs, caller) that <paramref name="body"/> reads.</summary>
    public static IReadOnlySet<string> SpecialNames(IEnumerable<Node> body) =>
        Expressions(body).OfType<Name>().Select(n => n.Identifier).Where(n => n is "varargs" or "kwargs" or "caller").ToHashSet();

    private static IEnumerable<Expr> Expressions(Node node) => node switch
    {
        Emit emit => Walk(emit.Value),
        If conditional => conditional.Branches.SelectMany(b => Walk(b.Condition).Concat(Expressions(b.Body))).Concat(Expressions(conditional.Else ?? [])),
        For loop => Walk(loop.Iterable).Concat(loop.Condition is null ? [] : Walk(loop.Condition)).Concat(Expressions(loop.Body)).Concat(Expressions(loop.Else ?? [])),
        Set set => Walk(set.Value),
        SetBlock block => block.Filters.SelectMany(f => Walk(f.Args)).Concat(Expressions(block.Body)),
        Macro macro => Defaults(macro.Parameters).Concat(Expressions(macro.Body)),
        CallBlock call => Walk(call.Invocation).Concat(Defaults(call.CallerParameters)).Concat(Expressions(call.Body)),
        FilterBlock filter => filter.Filters.SelectMany(f => Walk(f.Args)).Concat(Expressions(filter.Body)),
        Generation generation => Expressions(generation.Body),
        _ => [],
    };

    private static IEnumerable<Expr> Defaults(IEnumerable<(string Name, Expr? Default)> parameters) =>
        parameters.SelectMany(p => p.Default is null ? [] : Walk(p.Default));

    private static IEnumerable<Expr> Walk(Arguments args) => args.Positional.Concat(args.Named.Select(n => n.Value)).SelectMany(Walk);

    /// <summary>The expression and everything inside it.</summary>
    private static IEnumerable<Expr> Walk(Expr expr)
    {
        yield return expr;
        IEnumerable<Expr> inner = expr switch
        {
            ListExpr list => list.Items.SelectMany(Walk),
            TupleExpr tuple => tuple.Items.SelectMany(Walk),
            DictExpr dict => dict.Pairs.SelectMany(p => Walk(p.Key).Concat(Walk(p.Value))),
            GetAttr attr => Walk(attr.Target),
            GetItem item => Walk(item.Target).Concat(Walk(item.Key)),
            Slice slice => new[] { slice.Target, slice.Start, slice.Stop, slice.Step }.OfType<Expr>().SelectMany(Walk),
            Call call => Walk(call.Target).Concat(Walk(call.Args)),
            Filter filter => Walk(filter.Target).Concat(Walk(filter.Args)),
            Test test => Walk(test.Target).Concat(Walk(test.Args)),
            Unary unary => Walk(unary.Operand),
            Binary binary => Walk(binary.Left).Concat(Walk(binary.Right)),
            Conditional conditional => Walk(conditional.Condition).Concat(Walk(conditional.Then)).Concat(conditional.Else is null ? [] : Walk(conditional.Else)),
            _ => [],
        };
        foreach (var e in inner)
            yield return e;
    }
}
