using System.Text;
using Dynamo.Templates.Jinja.Syntax;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Walks the statement tree, writing output; a failure becomes a <see cref="TemplateException"/> naming its line.</summary>
internal sealed class Renderer
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public static string Render(IReadOnlyList<Node> template, Scope scope)
    {
        var output = new StringBuilder();
        new Renderer().Run(template, scope, output);
        return output.ToString();
    }

    private Flow Run(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            Flow flow;
            try
            {
                flow = Execute(node, scope, output);
            }
            catch (TemplateRuntimeException e)
            {
                throw new TemplateException(e.Message, node.Line);
            }
            if (flow != Flow.Normal)
                return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode text:
                output.Append(text.Text);
                return Flow.Normal;
            case Emit emit:
                output.Append(Values.Str(Evaluate(emit.Value, scope)));
                return Flow.Normal;
            case If conditional:
                foreach (var (condition, body) in conditional.Branches)
                    if (Values.Truthy(Evaluate(condition, scope)))
                        return Run(body, scope, output);
                return conditional.Else is null ? Flow.Normal : Run(conditional.Else, scope, output);
            case For loop:
                ForLoop(loop, scope, output);
                return Flow.Normal;
            case Set set:
                Assign(set, scope);
                return Flow.Normal;
            case SetBlock block:
                scope.Set(block.Target, ApplyFilters(Capture(block.Body, scope), block.Filters, scope));
                return Flow.Normal;
            case Macro macro:
                scope.Set(macro.MacroName, MakeMacro(macro.MacroName, macro.Parameters, macro.Body, macro.Special, scope));
                return Flow.Normal;
            case CallBlock call:
                var caller = MakeMacro("caller", call.CallerParameters, call.Body, call.Special, scope);
                var target = Evaluate(call.Invocation.Target, scope) as Callable ?? throw new TemplateRuntimeException("'call' needs a macro");
                var (positional, named) = Arguments(call.Invocation.Args, scope);
                var withCaller = new Dictionary<string, object?>(named) { ["caller"] = caller };
                output.Append(Values.Str(target.Invoke(positional, withCaller)));
                return Flow.Normal;
            case FilterBlock filter:
                output.Append(Values.Str(ApplyFilters(Capture(filter.Body, scope), filter.Filters, scope)));
                return Flow.Normal;
            case Generation generation:
                return Run(generation.Body, scope, output);
            case Break:
                return Flow.Break;
            case Continue:
                return Flow.Continue;
            default:
                throw new TemplateRuntimeException($"cannot render {node.GetType().Name}");
        }
    }

    private string Capture(IReadOnlyList<Node> body, Scope scope)
    {
        var inner = new StringBuilder();
        Run(body, scope, inner);
        return inner.ToString();
    }

    private object? ApplyFilters(object? value, IReadOnlyList<(string Name, Arguments Args)> filters, Scope scope)
    {
        foreach (var (name, args) in filters)
        {
            var (positional, named) = Arguments(args, scope);
            value = Filters.Apply(name, value, positional, named);
        }
        return value;
    }

    private void ForLoop(For loop, Scope scope, StringBuilder output)
    {
        var items = new List<object?>();
        foreach (var item in Values.Iterate(Evaluate(loop.Iterable, scope)).ToList())
        {
            if (loop.Condition is not null)
            {
                var test = new Scope(scope);
                Bind(loop.Targets, item, test);
                if (!Values.Truthy(Evaluate(loop.Condition, test)))
                    continue;
            }
            items.Add(item);
        }
        if (items.Count == 0)
        {
            if (loop.Else is not null)
                Run(loop.Else, scope, output);
            return;
        }
        var context = new LoopContext(items);
        for (var i = 0; i < items.Count; i++)
        {
            // Each iteration is a frame of its own: what the body sets does not outlive it (hence namespace()).
            var frame = new Scope(scope);
            context.Index0 = i;
            frame.Set("loop", context);
            Bind(loop.Targets, items[i], frame);
            if (Run(loop.Body, frame, output) == Flow.Break)
                break;
        }
    }

    private static void Bind(IReadOnlyList<string> targets, object? item, Scope scope)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], item);
            return;
        }
        var parts = Values.Iterate(item).ToList();
        if (parts.Count != targets.Count)
            throw new TemplateRuntimeException($"cannot unpack {parts.Count} values into {targets.Count} names");
        for (var i = 0; i < targets.Count; i++)
            scope.Set(targets[i], parts[i]);
    }

    private void Assign(Set set, Scope scope)
    {
        var value = Evaluate(set.Value, scope);
        if (set.Attribute is not null)
        {
            if (scope.Lookup(set.Targets[0]) is not Namespace ns)
                throw new TemplateRuntimeException($"cannot assign attribute on non-namespace object '{set.Targets[0]}'");
            ns[set.Attribute] = value;
            return;
        }
        Bind(set.Targets, value, scope);
    }

    /// <summary>A macro as jinja2 calls one: parameters by position or name, then defaults; extra arguments only into varargs/kwargs it reads.</summary>
    private Callable MakeMacro(string name, IReadOnlyList<(string Name, Expr? Default)> parameters, IReadOnlyList<Node> body, IReadOnlySet<string> special, Scope defining) =>
        new(name, (positional, named) =>
        {
            if (positional.Count > parameters.Count && !special.Contains("varargs"))
                throw new TemplateRuntimeException($"macro '{name}' takes not more than {parameters.Count} argument(s)");
            var extra = new OrderedDictionary<object, object?>();
            foreach (var (key, value) in named)
            {
                if (key == "caller")
                {
                    if (!special.Contains("caller"))
                        throw new TemplateRuntimeException($"macro '{name}' was invoked with two values for the special caller argument. This is most likely a bug.");
                    continue;
                }
                var at = parameters.Select(p => p.Name).ToList().IndexOf(key);
                if (at >= 0 && at >= positional.Count)
                    continue;
                if (!special.Contains("kwargs"))
                    throw new TemplateRuntimeException($"macro '{name}' takes no keyword argument '{key}'");
                extra[key] = value;
            }
            var frame = new Scope(defining);
            for (var i = 0; i < parameters.Count; i++)
            {
                var (parameter, fallback) = parameters[i];
                frame.Set(parameter, i < positional.Count ? positional[i]
                    : named.TryGetValue(parameter, out var value) ? value
                    : fallback is null ? Undefined.Named(parameter) : Evaluate(fallback, frame));
            }
            if (special.Contains("varargs"))
                frame.Set("varargs", positional.Skip(parameters.Count).ToArray());
            if (special.Contains("kwargs"))
                frame.Set("kwargs", extra);
            if (named.TryGetValue("caller", out var caller))
                frame.Set("caller", caller);
            return Capture(body, frame);
        });

    private (List<object?> Positional, Dictionary<string, object?> Named) Arguments(Arguments args, Scope scope) =>
        (args.Positional.Select(a => Evaluate(a, scope)).ToList(), args.Named.ToDictionary(n => n.Name, n => Evaluate(n.Value, scope)));

    private object? Evaluate(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case Literal literal:
                return literal.Value;
            case Name name:
                return scope.Lookup(name.Identifier);
            case ListExpr list:
                return list.Items.Select(i => Evaluate(i, scope)).ToList();
            case TupleExpr tuple:
                return tuple.Items.Select(i => Evaluate(i, scope)).ToArray();
            case DictExpr dict:
                var result = new OrderedDictionary<object, object?>();
                foreach (var (key, value) in dict.Pairs)
                    result[Evaluate(key, scope) ?? throw new TemplateRuntimeException("a dict key cannot be none")] = Evaluate(value, scope);
                return result;
            case GetAttr attr:
                return Access.Attribute(Evaluate(attr.Target, scope), attr.Attribute);
            case GetItem item:
                return Access.Item(Evaluate(item.Target, scope), Evaluate(item.Key, scope));
            case Slice slice:
                long? Bound(Expr? e) => e is null ? null : Evaluate(e, scope) switch
                {
                    null => null,
                    long l => l,
                    var other => throw new TemplateRuntimeException($"slice indices must be integers or None, not {Values.TypeName(other)}"),
                };
                return Values.Slice(Evaluate(slice.Target, scope), Bound(slice.Start), Bound(slice.Stop), Bound(slice.Step));
            case Call call:
                var callee = Evaluate(call.Target, scope);
                if (callee is Undefined missing)
                    throw missing.Fail();
                if (callee is not Callable callable)
                    throw new TemplateRuntimeException($"'{Values.TypeName(callee)}' object is not callable");
                var (positional, named) = Arguments(call.Args, scope);
                return callable.Invoke(positional, named);
            case Filter filter:
                var (filterArgs, filterNamed) = Arguments(filter.Args, scope);
                return Filters.Apply(filter.FilterName, Evaluate(filter.Target, scope), filterArgs, filterNamed);
            case Test test:
                var (testArgs, _) = Arguments(test.Args, scope);
                return Tests.Apply(test.TestName, Evaluate(test.Target, scope), testArgs) != test.Negated;
            case Unary unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !Values.Truthy(operand),
                    "-" => operand switch
                    {
                        double d => -d,
                        _ when Values.IsInteger(operand) => Values.Integer(-Values.ToInteger(operand)),
                        Undefined u => throw u.Fail(),
                        _ => throw new TemplateRuntimeException($"bad operand type for unary -: '{Values.TypeName(operand)}'"),
                    },
                    _ => operand,
                };
            case Binary binary:
                return EvaluateBinary(binary, scope);
            case Conditional conditional:
                return Values.Truthy(Evaluate(conditional.Condition, scope)) ? Evaluate(conditional.Then, scope)
                    : conditional.Else is null ? new Undefined("the conditional expression had no else") : Evaluate(conditional.Else, scope);
            default:
                throw new TemplateRuntimeException($"cannot evaluate {expr.GetType().Name}");
        }
    }

    private object? EvaluateBinary(Binary binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case "and":
                return Values.Truthy(left) ? Evaluate(binary.Right, scope) : left;
            case "or":
                return Values.Truthy(left) ? left : Evaluate(binary.Right, scope);
        }
        var right = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            "==" => Values.Equals(left, right),
            "!=" => !Values.Equals(left, right),
            "<" => Values.Compare(left, right, "<") < 0,
            "<=" => Values.Compare(left, right, "<=") <= 0,
            ">" => Values.Compare(left, right, ">") > 0,
            ">=" => Values.Compare(left, right, ">=") >= 0,
            "in" => Values.Contains(right, left),
            "not in" => !Values.Contains(right, left),
            "~" => Values.Str(left) + Values.Str(right),
            _ => Values.Binary(binary.Operator, left, right),
        };
    }
}
