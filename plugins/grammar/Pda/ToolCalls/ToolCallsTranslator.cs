using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Grammar.Pda.Ir;
using Dynamo.Grammar.Pda.Json;

namespace Dynamo.Grammar.Pda.ToolCalls;

/// <summary>
/// Tool calls in a family's syntax (<see cref="ToolCallSyntax"/>) as a grammar: each call names one of
/// the tools and carries arguments valid against its parameters, written as the family writes them.
/// Required mode is the calls alone; lazy mode is free text that may turn, at the family's trigger, into calls.
/// </summary>
internal sealed class ToolCallsTranslator
{
    private static readonly JsonElement AnyObject = JsonDocument.Parse("""{"type":"object"}""").RootElement;

    private readonly GrammarBuilder _g;
    private readonly ToolCallsGrammar _spec;
    private readonly ITokenizer _tokenizer;
    private readonly Dictionary<string, Node> _arguments = new(StringComparer.Ordinal);

    private ToolCallsTranslator(GrammarBuilder g, ToolCallsGrammar spec, ITokenizer tokenizer) => (_g, _spec, _tokenizer) = (g, spec, tokenizer);

    public static int Translate(GrammarBuilder g, ToolCallsGrammar spec, ITokenizer tokenizer)
    {
        if (spec.Tools.Count == 0)
            throw new GrammarException("A tool-call grammar needs at least one tool.", "tools");
        var translator = new ToolCallsTranslator(g, spec, tokenizer);
        return spec.Mode == ToolCallMode.Required ? g.Add("tool_calls", translator.Calls(skip: 0)) : translator.Lazy();
    }

    /// <summary>The whole section: begin, a call, more calls when parallel calls are allowed, end.</summary>
    /// <param name="skip">Bytes of the leading literal already written (the trigger, in lazy mode).</param>
    private Node Calls(int skip)
    {
        var syntax = _spec.Syntax;
        var begin = syntax.Begin ?? [];
        var next = new RuleRef(_g.Add("call", Node.Alt([.. _spec.Tools.Select(t => Call(t, 0))])));
        var first = begin.Count == 0 && skip > 0 ? new RuleRef(_g.Add("call:first", Node.Alt([.. _spec.Tools.Select(t => Call(t, skip))]))) : next;
        var more = _spec.Parallel && syntax.Separator is not null ? Node.Star(Node.Seq(Parts(syntax.Separator, 0), next)) : Node.Empty;
        return Node.Seq(Parts(begin, skip), first, more, Parts(syntax.End ?? [], 0));
    }

    private Node Call(Abstractions.Requests.ToolDefinition tool, int skip)
    {
        var nodes = new List<Node>();
        foreach (var part in _spec.Syntax.Call)
        {
            nodes.Add(part switch
            {
                NamePart => Node.Text(tool.Name),
                ArgumentsPart => _arguments.TryGetValue(tool.Name, out var arguments) ? arguments
                    : _arguments[tool.Name] = new RuleRef(_g.Add($"{tool.Name}:arguments", Arguments(tool))),
                _ => Part(part, skip),
            });
            if (part is LiteralPart or TokenPart)
                skip = 0;
        }
        return Node.Seq([.. nodes]);
    }

    private Node Parts(IReadOnlyList<SyntaxPart> parts, int skip)
    {
        var nodes = new List<Node>();
        foreach (var part in parts)
        {
            nodes.Add(Part(part, skip));
            skip = 0;
        }
        return Node.Seq([.. nodes]);
    }

    private Node Part(SyntaxPart part, int skip) => part switch
    {
        LiteralPart literal => Node.Bytes(Encoding.UTF8.GetBytes(literal.Text).Skip(skip)),
        TokenPart token when skip == 0 => SingleToken(token.Text) is { } id ? new TokenTerminal(id) : Node.Text(token.Text),
        TokenPart => Node.Empty, // the trigger was this token
        _ => throw new GrammarException($"A tool-call syntax may use the name and arguments only inside a call, not in '{part}'."),
    };

    /// <summary>The id of the token whose text is exactly <paramref name="text"/>, if the vocabulary has one.</summary>
    private int? SingleToken(string text) => _tokenizer.Encode(text, addSpecialTokens: false) is [var id] && _tokenizer.Decode([id], skipSpecialTokens: false) == text ? id : null;

    private Node Arguments(Abstractions.Requests.ToolDefinition tool)
    {
        var schema = tool.Parameters ?? AnyObject;
        return _spec.Syntax.Arguments switch
        {
            ArgumentsEncoding.Json => JsonSchemaTranslator.Embedded(_g, schema, _spec.Whitespace),
            ArgumentsEncoding.PythonKeywords => Keywords(tool.Name, schema),
            _ => XmlParameters(tool.Name, schema),
        };
    }

    /// <summary>Python keyword arguments: <c>key=value</c> for each property (required ones always), separated by <c>", "</c>.</summary>
    private Node Keywords(string tool, JsonElement schema) => Properties(tool, schema, first => first ? Node.Empty : Node.Text(", "),
        (name, value) => Node.Seq(Node.Text(name + "="), JsonSchemaTranslator.Embedded(_g, value, JsonWhitespace.Compact, python: true)));

    /// <summary>
    /// Qwen3-Coder's <c>&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;\n</c>: strings bare (the parser takes the text up to the
    /// closing tag, less one newline each side), other values as JSON.
    /// </summary>
    private Node XmlParameters(string tool, JsonElement schema) => Properties(tool, schema, _ => Node.Empty, (name, value) =>
        Node.Seq(Node.Text($"<parameter={name}>\n"), BareString(value) is { } bare
            ? bare
            : Node.Seq(JsonSchemaTranslator.Embedded(_g, value, JsonWhitespace.Compact), Node.Text("\n</parameter>\n"))));

    private static readonly CodePointSet BareChars = JsonText.AnyChar.Except(CodePointSet.Chars("<"));

    /// <summary>A string parameter written bare, up to its closing tag; null for values written as JSON.</summary>
    private Node? BareString(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
            return null;
        var typed = schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string";
        // An enum or const of strings is a string too (the parser takes an untyped value as text).
        var strings = schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array
            && values.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String);
        var constant = schema.TryGetProperty("const", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (!typed && !((strings || constant is not null) && !schema.TryGetProperty("type", out _)))
            return null;
        var close = Node.Text("\n</parameter>\n");
        if (strings)
            return Node.Seq(Node.Alt([.. values.EnumerateArray().Select(v => Node.Text(v.GetString()!))]), close);
        if (constant is not null)
            return Node.Seq(Node.Text(constant), close);
        var pattern = schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            ? StringFormats.Pattern(format.GetString()!) is { } known ? "^" + known + "$" : throw new GrammarException($"The string format '{format.GetString()}' is not supported.")
            : schema.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (pattern is not null)
        {
            var (rx, anchoredStart, anchoredEnd) = Regex.RegexParser.Parse(pattern, "parameters pattern");
            var anything = Node.Star(Utf8Sequences.Of(BareChars));
            return Node.Seq(anchoredStart ? Node.Empty : anything, Regex.RegexNodes.ToNode(rx, Utf8Sequences.Of), anchoredEnd ? Node.Empty : anything, close);
        }
        var min = schema.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var n) ? n : 0;
        var bareChar = _g.Shared("bare:char", () => Utf8Sequences.Of(BareChars));
        if (schema.TryGetProperty("maxLength", out var maxLength) && maxLength.TryGetInt32(out var m))
            return Node.Seq(new Repeat(bareChar, min, Math.Min(m, JsonSchemaTranslator.MaxStringLength)), close);
        if (min > 0)
            return Node.Seq(new Repeat(bareChar, min, -1), close);
        // Free text: anything up to the first closing tag (which the parser looks for), then the newline after it.
        return Node.Seq(Markers.Through(Encoding.UTF8.GetBytes("</parameter>")), Node.Text("\n"));
    }

    /// <summary>An object schema's properties, in order, each written by <paramref name="write"/>; optional ones may be left out.</summary>
    private Node Properties(string tool, JsonElement schema, Func<bool, Node> separator, Func<string, JsonElement, Node> write)
    {
        if (schema.ValueKind != JsonValueKind.Object || (schema.TryGetProperty("type", out var type) && type.GetRawText() != "\"object\""))
            throw new GrammarException($"Tool '{tool}': its parameters must be an object schema for this tool-call syntax.", $"tools/{tool}");
        if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind != JsonValueKind.False)
            throw new GrammarException($"Tool '{tool}': 'additionalProperties' is not supported by this tool-call syntax (list every parameter).", $"tools/{tool}");
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p.EnumerateObject().Select(x => (x.Name, x.Value.Clone())).ToList() : [];
        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        if (required.FirstOrDefault(n => properties.All(x => x.Name != n)) is { } undeclared)
            throw new GrammarException($"Tool '{tool}': '{undeclared}' is required but not among its properties.", $"tools/{tool}");
        // Rest(i, first): parameters i.. as rules, so optional ones do not multiply the grammar.
        var rest = new int[properties.Count + 1, 2];
        for (var i = 0; i <= properties.Count; i++)
            for (var f = 0; f < 2; f++)
                rest[i, f] = _g.Declare($"{tool}:params{i}{f}");
        for (var i = properties.Count; i >= 0; i--)
        {
            var value = i < properties.Count ? write(properties[i].Name, properties[i].Item2) : null;
            for (var f = 0; f < 2; f++)
            {
                if (i == properties.Count)
                {
                    _g.Define(rest[i, f], Node.Empty);
                    continue;
                }
                var item = Node.Seq(separator(f == 1), value!, new RuleRef(rest[i + 1, 0]));
                _g.Define(rest[i, f], required.Contains(properties[i].Name) ? item : Node.Alt(item, new RuleRef(rest[i + 1, f])));
            }
        }
        return new RuleRef(rest[0, 1]);
    }

    /// <summary>Free text; once the family's trigger appears, what follows must be the calls.</summary>
    private int Lazy()
    {
        var syntax = _spec.Syntax;
        if (syntax.Trigger is "")
            throw new GrammarException("This model's tool calls are its whole output, so they cannot follow free text: strict tools with tool_choice \"auto\" are not supported for it (use \"required\" or a named function).");
        var leading = (syntax.Begin is { Count: > 0 } begin ? begin : syntax.Call)[0];
        var trigger = syntax.Trigger ?? leading switch
        {
            LiteralPart literal => literal.Text,
            _ => throw new GrammarException("This tool-call syntax has no text that starts its calls, so calls cannot follow free text (tool_choice \"auto\" with strict tools)."),
        };
        if (leading is not LiteralPart lead || !lead.Text.StartsWith(trigger, StringComparison.Ordinal) || trigger.Length == 0)
            throw new GrammarException($"The trigger \"{trigger}\" must begin the first literal of the calls.");
        var marker = Encoding.UTF8.GetBytes(trigger);
        return _g.Add("lazy_tool_calls", Node.Alt(Markers.Without(marker), Node.Seq(Markers.Through(marker), Calls(marker.Length))));
    }
}
