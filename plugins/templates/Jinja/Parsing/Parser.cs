using System.Globalization;
using Dynamo.Templates.Jinja.Lexing;
using Dynamo.Templates.Jinja.Syntax;

namespace Dynamo.Templates.Jinja.Parsing;

/// <summary>
/// Builds the statement and expression trees from tokens, with Jinja's precedence: conditional,
/// or, and, not, comparisons and membership, + -, ~, * / // %, **, unary minus, then postfix
/// access, calls, filters and tests.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _next;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Node> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.Body(out var end);
        if (end is not null)
            throw new TemplateException($"unexpected '{{% {end} %}}' with no block open", parser.Peek.Line);
        return body;
    }

    private Token Peek => _tokens[_next];

    private Token Advance() => _tokens[_next++];

    private bool Accept(TokenKind kind, string value)
    {
        if (!Peek.Is(kind, value))
            return false;
        _next++;
        return true;
    }

    private Token Expect(TokenKind kind, string? value = null)
    {
        var token = Peek;
        if (token.Kind != kind || (value is not null && token.Value != value))
            throw new TemplateException($"expected {(value is null ? kind.ToString().ToLowerInvariant() : $"'{value}'")}, found {token}", token.Line);
        return Advance();
    }

    private string ExpectName() => Expect(TokenKind.Name).Value;

    /// <summary>Nodes until the end or a block tag whose keyword <paramref name="stop"/> accepts (left unconsumed after '{%'; returned in <paramref name="end"/>).</summary>
    private List<Node> Body(out string? end, params string[] stop)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.End:
                    end = null;
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(Advance().Value, token.Line));
                    break;
                case TokenKind.VariableBegin:
                    Advance();
                    nodes.Add(new Emit(ExpressionOrTuple(), token.Line));
                    Expect(TokenKind.VariableEnd);
                    break;
                default:
                    Expect(TokenKind.BlockBegin);
                    var keyword = Peek;
                    if (keyword.Kind == TokenKind.Name && (stop.Contains(keyword.Value) || keyword.Value.StartsWith("end", StringComparison.Ordinal)))
                    {
                        if (!stop.Contains(keyword.Value))
                            throw new TemplateException(stop.Length == 0
                                ? $"unexpected '{keyword.Value}' with no block open"
                                : $"expected {string.Join(" or ", stop.Select(s => $"'{s}'"))}, found '{keyword.Value}'", keyword.Line);
                        Advance();
                        end = keyword.Value;
                        return nodes;
                    }
                    nodes.Add(Statement());
                    break;
            }
        }
    }

    /// <summary>A body that must end with one of <paramref name="stop"/>; that tag's '%}' is left for the caller when it takes more.</summary>
    private List<Node> BodyUntil(int line, string what, out string end, params string[] stop)
    {
        var body = Body(out var found, stop);
        end = found ?? throw new TemplateException($"'{what}' opened on line {line} is never closed with '{stop[^1]}'", Peek.Line);
        return body;
    }

    private Node Statement()
    {
        var keyword = Expect(TokenKind.Name);
        var line = keyword.Line;
        switch (keyword.Value)
        {
            case "if":
                return IfStatement(line);
            case "for":
                return ForStatement(line);
            case "set":
                return SetStatement(line);
            case "macro":
                return MacroStatement(line);
            case "call":
                return CallStatement(line);
            case "filter":
                var filters = FilterChain();
                Expect(TokenKind.BlockEnd);
                var filtered = BodyUntil(line, "filter", out _, "endfilter");
                Expect(TokenKind.BlockEnd);
                return new FilterBlock(filters, filtered, line);
            case "break":
                Expect(TokenKind.BlockEnd);
                return new Break(line);
            case "continue":
                Expect(TokenKind.BlockEnd);
                return new Continue(line);
            case "generation":
                Expect(TokenKind.BlockEnd);
                var generated = BodyUntil(line, "generation", out _, "endgeneration");
                Expect(TokenKind.BlockEnd);
                return new Generation(generated, line);
            default:
                throw new TemplateException($"unknown tag '{keyword.Value}'", line);
        }
    }

    private If IfStatement(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var condition = Expression();
        while (true)
        {
            Expect(TokenKind.BlockEnd);
            var body = BodyUntil(line, "if", out var end, "elif", "else", "endif");
            branches.Add((condition, body));
            if (end == "elif")
            {
                condition = Expression();
                continue;
            }
            Expect(TokenKind.BlockEnd);
            if (end == "endif")
                return new If(branches, null, line);
            var otherwise = BodyUntil(line, "if", out _, "endif");
            Expect(TokenKind.BlockEnd);
            return new If(branches, otherwise, line);
        }
    }

    private For ForStatement(int line)
    {
        var targets = new List<string> { ExpectName() };
        while (Accept(TokenKind.Operator, ","))
            targets.Add(ExpectName());
        Expect(TokenKind.Name, "in");
        var iterable = ExpressionOrTuple(allowConditional: false);
        var condition = Accept(TokenKind.Name, "if") ? Expression(allowConditional: false) : null;
        var recursive = Accept(TokenKind.Name, "recursive");
        Expect(TokenKind.BlockEnd);
        var body = BodyUntil(line, "for", out var end, "else", "endfor");
        Expect(TokenKind.BlockEnd);
        IReadOnlyList<Node>? otherwise = null;
        if (end == "else")
        {
            otherwise = BodyUntil(line, "for", out _, "endfor");
            Expect(TokenKind.BlockEnd);
        }
        return new For(targets, iterable, condition, body, otherwise, recursive, line);
    }

    private Node SetStatement(int line)
    {
        var targets = new List<string> { ExpectName() };
        string? attribute = null;
        if (Accept(TokenKind.Operator, "."))
            attribute = ExpectName();
        else
            while (Accept(TokenKind.Operator, ","))
                targets.Add(ExpectName());
        if (Accept(TokenKind.Operator, "="))
        {
            var value = ExpressionOrTuple();
            Expect(TokenKind.BlockEnd);
            return new Set(targets, attribute, value, line);
        }
        var filters = Accept(TokenKind.Operator, "|") ? FilterChain() : [];
        Expect(TokenKind.BlockEnd);
        var body = BodyUntil(line, "set", out _, "endset");
        Expect(TokenKind.BlockEnd);
        return new SetBlock(targets[0], filters, body, line);
    }

    private Macro MacroStatement(int line)
    {
        var name = ExpectName();
        var parameters = Parameters();
        Expect(TokenKind.BlockEnd);
        var body = BodyUntil(line, "macro", out _, "endmacro");
        Expect(TokenKind.BlockEnd);
        return new Macro(name, parameters, body, line);
    }

    private CallBlock CallStatement(int line)
    {
        var callerParameters = Peek.Is(TokenKind.Operator, "(") ? Parameters() : [];
        var invocation = Expression() as Call ?? throw new TemplateException("'call' needs a macro call", line);
        Expect(TokenKind.BlockEnd);
        var body = BodyUntil(line, "call", out _, "endcall");
        Expect(TokenKind.BlockEnd);
        return new CallBlock(invocation, callerParameters, body, line);
    }

    private List<(string, Expr?)> Parameters()
    {
        var parameters = new List<(string, Expr?)>();
        Expect(TokenKind.Operator, "(");
        while (!Accept(TokenKind.Operator, ")"))
        {
            if (parameters.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Accept(TokenKind.Operator, ")"))
                break;
            var name = ExpectName();
            parameters.Add((name, Accept(TokenKind.Operator, "=") ? Expression() : null));
        }
        return parameters;
    }

    /// <summary>'|' name(args) '|' …, as a filter block or block set takes them.</summary>
    private List<(string, Arguments)> FilterChain()
    {
        var filters = new List<(string, Arguments)>();
        do
        {
            var name = ExpectName();
            filters.Add((name, Peek.Is(TokenKind.Operator, "(") ? CallArguments() : Arguments.None));
        }
        while (Accept(TokenKind.Operator, "|"));
        return filters;
    }

    /// <summary>An expression, or a tuple of them without parentheses (<c>set a, b = 1, 2</c>), where jinja2 allows one: printed, set and looped over.</summary>
    private Expr ExpressionOrTuple(bool allowConditional = true)
    {
        var first = Expression(allowConditional);
        if (!Peek.Is(TokenKind.Operator, ","))
            return first;
        var items = new List<Expr> { first };
        while (Accept(TokenKind.Operator, ",") && !AtTupleEnd)
            items.Add(Expression(allowConditional));
        return new TupleExpr(items, first.Line);
    }

    private bool AtTupleEnd => Peek.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || Peek.Is(TokenKind.Operator, ")") || Peek.Is(TokenKind.Name, "recursive");

    public Expr Expression(bool allowConditional = true)
    {
        var value = Or();
        if (!allowConditional || !Peek.Is(TokenKind.Name, "if"))
            return value;
        var line = Advance().Line;
        var condition = Or();
        var otherwise = Accept(TokenKind.Name, "else") ? Expression() : null;
        return new Conditional(condition, value, otherwise, line);
    }

    private Expr Or()
    {
        var left = And();
        while (Peek.Is(TokenKind.Name, "or"))
            left = new Binary("or", left, Right(And), left.Line);
        return left;
    }

    private Expr And()
    {
        var left = Not();
        while (Peek.Is(TokenKind.Name, "and"))
            left = new Binary("and", left, Right(Not), left.Line);
        return left;
    }

    private Expr Right(Func<Expr> operand)
    {
        Advance();
        return operand();
    }

    private Expr Not() => Peek.Is(TokenKind.Name, "not") ? new Unary("not", Right(Not), Peek.Line) : Compare();

    private static readonly string[] Comparisons = ["==", "!=", "<", "<=", ">", ">="];

    private Expr Compare()
    {
        var left = Sum();
        while (true)
        {
            var token = Peek;
            if (token.Kind == TokenKind.Operator && Comparisons.Contains(token.Value))
                left = new Binary(token.Value, left, Right(Sum), token.Line);
            else if (token.Is(TokenKind.Name, "in"))
                left = new Binary("in", left, Right(Sum), token.Line);
            else if (token.Is(TokenKind.Name, "not") && _tokens[_next + 1].Is(TokenKind.Name, "in"))
            {
                _next++;
                left = new Binary("not in", left, Right(Sum), token.Line);
            }
            else
                return left;
        }
    }

    private Expr Sum() => LeftAssociative(Concat, "+", "-");

    private Expr Concat() => LeftAssociative(Product, "~");

    private Expr Product() => LeftAssociative(Power, "*", "/", "//", "%");

    private Expr Power() => LeftAssociative(UnaryMinus, "**");

    private Expr LeftAssociative(Func<Expr> operand, params string[] operators)
    {
        var left = operand();
        while (Peek.Kind == TokenKind.Operator && operators.Contains(Peek.Value))
        {
            var op = Advance();
            left = new Binary(op.Value, left, operand(), op.Line);
        }
        return left;
    }

    private Expr UnaryMinus()
    {
        var token = Peek;
        if (token.Kind == TokenKind.Operator && token.Value is "-" or "+")
        {
            Advance();
            return FiltersAndTests(new Unary(token.Value, Postfix(Primary()), token.Line));
        }
        return FiltersAndTests(Postfix(Primary()));
    }

    private Expr Primary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new Literal(true, token.Line),
                    "false" or "False" => new Literal(false, token.Line),
                    "none" or "None" => new Literal(null, token.Line),
                    _ => new Name(token.Value, token.Line),
                };
            case TokenKind.String:
                var text = token.Value;
                while (Peek.Kind == TokenKind.String)
                    text += Advance().Value; // adjacent literals concatenate, as in Python
                return new Literal(text, token.Line);
            case TokenKind.Integer:
                return new Literal(long.Parse(token.Value, CultureInfo.InvariantCulture), token.Line);
            case TokenKind.Float:
                return new Literal(double.Parse(token.Value, CultureInfo.InvariantCulture), token.Line);
            case TokenKind.Operator when token.Value == "(":
                if (Accept(TokenKind.Operator, ")"))
                    return new TupleExpr([], token.Line);
                var first = Expression();
                if (Accept(TokenKind.Operator, ")"))
                    return first;
                var items = new List<Expr> { first };
                while (Accept(TokenKind.Operator, ",") && !Peek.Is(TokenKind.Operator, ")"))
                    items.Add(Expression());
                Expect(TokenKind.Operator, ")");
                return new TupleExpr(items, token.Line);
            case TokenKind.Operator when token.Value == "[":
                return new ListExpr(Sequence("]"), token.Line);
            case TokenKind.Operator when token.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!Accept(TokenKind.Operator, "}"))
                {
                    if (pairs.Count > 0)
                    {
                        Expect(TokenKind.Operator, ",");
                        if (Accept(TokenKind.Operator, "}"))
                            break;
                    }
                    var key = Expression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, Expression()));
                }
                return new DictExpr(pairs, token.Line);
            default:
                throw new TemplateException($"unexpected {token} in an expression", token.Line);
        }
    }

    private List<Expr> Sequence(string close)
    {
        var items = new List<Expr>();
        while (!Accept(TokenKind.Operator, close))
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Accept(TokenKind.Operator, close))
                    break;
            }
            items.Add(Expression());
        }
        return items;
    }

    private Expr Postfix(Expr target)
    {
        while (true)
        {
            var token = Peek;
            if (Accept(TokenKind.Operator, "."))
                target = new GetAttr(target, Peek.Kind == TokenKind.Integer ? Advance().Value : ExpectName(), token.Line);
            else if (Accept(TokenKind.Operator, "["))
                target = Subscript(target, token.Line);
            else if (token.Is(TokenKind.Operator, "("))
                target = new Call(target, CallArguments(), token.Line);
            else
                return target;
        }
    }

    private Expr Subscript(Expr target, int line)
    {
        Expr? Part() => Peek.Kind == TokenKind.Operator && Peek.Value is ":" or "]" ? null : Expression();
        var start = Part();
        if (Accept(TokenKind.Operator, "]"))
            return new GetItem(target, start ?? throw new TemplateException("empty subscript", line), line);
        Expect(TokenKind.Operator, ":");
        var stop = Part();
        var step = Accept(TokenKind.Operator, ":") ? Part() : null;
        Expect(TokenKind.Operator, "]");
        return new Slice(target, start, stop, step, line);
    }

    private Arguments CallArguments()
    {
        Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!Accept(TokenKind.Operator, ")"))
        {
            if (positional.Count + named.Count > 0)
            {
                Expect(TokenKind.Operator, ",");
                if (Accept(TokenKind.Operator, ")"))
                    break;
            }
            if (Peek.Kind == TokenKind.Name && _tokens[_next + 1].Is(TokenKind.Operator, "="))
            {
                var name = Advance().Value;
                Advance();
                named.Add((name, Expression()));
            }
            else
                positional.Add(Expression());
        }
        return new Arguments(positional, named);
    }

    private Expr FiltersAndTests(Expr target)
    {
        while (true)
        {
            var token = Peek;
            if (Accept(TokenKind.Operator, "|"))
            {
                var name = ExpectName();
                target = Postfix(new Filter(target, name, Peek.Is(TokenKind.Operator, "(") ? CallArguments() : Arguments.None, token.Line));
            }
            else if (Accept(TokenKind.Name, "is"))
            {
                var negated = Accept(TokenKind.Name, "not");
                var name = ExpectName();
                // jinja2's rule: a literal, name, list or dict right after the test name is its one argument (only and/or/else end it).
                var args = Peek.Is(TokenKind.Operator, "(") ? CallArguments()
                    : Peek.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float || Peek.Is(TokenKind.Operator, "[") || Peek.Is(TokenKind.Operator, "{")
                        || (Peek.Kind == TokenKind.Name && Peek.Value is not ("and" or "or" or "else"))
                        ? new Arguments([Postfix(Peek.Is(TokenKind.Name, "is") ? throw new TemplateException("You cannot chain multiple tests with is", Peek.Line) : Primary())], [])
                        : Arguments.None;
                target = new Test(target, name, args, negated, token.Line);
            }
            else
                return target;
        }
    }
}
