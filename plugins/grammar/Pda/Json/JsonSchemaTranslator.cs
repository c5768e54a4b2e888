using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda.Ir;
using Dynamo.Grammar.Pda.Regex;

namespace Dynamo.Grammar.Pda.Json;

/// <summary>
/// A JSON Schema as a grammar of the JSON values valid against it. Properties come in the schema's
/// order; a schema with properties allows no others unless <c>additionalProperties</c> says so (the
/// values produced are valid either way). Annotations are read and have no effect; any keyword this
/// translation cannot honour is refused by name, never ignored.
/// </summary>
internal sealed class JsonSchemaTranslator
{
    /// <summary>Keywords that describe without constraining.</summary>
    private static readonly HashSet<string> Annotations =
        ["title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$anchor", "$defs", "definitions"];

    private static readonly HashSet<string> Supported =
    [
        "type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "nullable",
        "properties", "required", "additionalProperties",
        "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
        "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    ];

    private static readonly string[] ObjectKeywords = ["properties", "required", "additionalProperties"];
    private static readonly string[] ArrayKeywords = ["items", "prefixItems", "additionalItems", "minItems", "maxItems"];
    private static readonly string[] StringKeywords = ["minLength", "maxLength", "pattern", "format"];
    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    /// <summary>A string's length bound beyond this is generated up to this (still valid); a minimum beyond it is refused.</summary>
    public const int MaxStringLength = 10_000;

    /// <summary>The same for array lengths (each element is a call, so the bound is unrolled).</summary>
    public const int MaxArrayLength = 10_000;

    private readonly GrammarBuilder _g;
    private readonly JsonElement _root;
    private readonly JsonWhitespace _ws;

    /// <summary>Python literals (<c>True</c>, <c>False</c>, <c>None</c>) where JSON has <c>true</c>, <c>false</c>, <c>null</c>: pythonic tool calls.</summary>
    private readonly bool _python;

    private JsonSchemaTranslator(GrammarBuilder g, JsonElement root, JsonWhitespace ws, bool python) => (_g, _root, _ws, _python) = (g, root, ws, python);

    private Node True => Node.Text(_python ? "True" : "true");

    private Node False => Node.Text(_python ? "False" : "false");

    private Node Null => Node.Text(_python ? "None" : "null");

    private Node Literal(JsonElement value) => Node.Text(JsonText.Write(value, _python));

    /// <summary>Adds the schema's rules to <paramref name="g"/>; returns the rule of a whole value.</summary>
    public static int Translate(GrammarBuilder g, JsonElement schema, JsonWhitespace whitespace)
    {
        var translator = new JsonSchemaTranslator(g, schema, whitespace, python: false);
        var space = JsonText.Space(g, whitespace);
        return g.Add("json", Node.Seq(space, translator.Value(schema, "#"), space));
    }

    /// <summary>A value valid against <paramref name="schema"/> (its rules added as needed), for callers that embed JSON (tool arguments).</summary>
    public static Node Embedded(GrammarBuilder g, JsonElement schema, JsonWhitespace whitespace, bool python = false) =>
        new JsonSchemaTranslator(g, schema, whitespace, python).Value(schema, "#");

    private static GrammarException Refuse(string message, string path) => new($"{message} (at {path})", path);

    private Node Value(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
            return Any();
        if (schema.ValueKind == JsonValueKind.False)
            throw Refuse("The schema 'false' allows no value", path);
        if (schema.ValueKind != JsonValueKind.Object)
            throw Refuse("A schema must be an object or a boolean", path);
        foreach (var property in schema.EnumerateObject())
            if (!Annotations.Contains(property.Name) && !Supported.Contains(property.Name))
                throw Refuse($"The JSON Schema keyword '{property.Name}' is not supported", $"{path}/{property.Name}");

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = Resolve(reference, $"{path}/$ref");
            var siblings = SchemaMerge.Without(schema, "$ref");
            if (!HasConstraints(siblings))
            {
                var pointer = reference.GetString()!;
                return _g.Recursive("ref:" + pointer, _ => Value(target, pointer));
            }
            return Value(Merge(target, siblings, path), path);
        }
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            var merged = SchemaMerge.Without(schema, "allOf");
            var i = 0;
            foreach (var part in Schemas(allOf, $"{path}/allOf"))
                merged = Merge(merged, Inline(part, $"{path}/allOf/{i++}"), $"{path}/allOf");
            return Value(merged, path);
        }
        foreach (var keyword in (string[])["anyOf", "oneOf"])
            if (schema.TryGetProperty(keyword, out var branches))
            {
                // oneOf is generated as anyOf: a value that happens to match two branches is the schema author's risk.
                var rest = SchemaMerge.Without(schema, keyword);
                var i = 0;
                return Node.Alt([.. Schemas(branches, $"{path}/{keyword}").Select(branch =>
                {
                    var at = $"{path}/{keyword}/{i++}";
                    return HasConstraints(rest) ? Value(Merge(rest, Inline(branch, at), at), at) : Value(branch, at);
                })]);
            }
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
            return Node.Alt(Value(SchemaMerge.Without(schema, "nullable"), path), Null);
        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
                throw Refuse("'enum' must be a non-empty array", $"{path}/enum");
            return Node.Alt([.. values.EnumerateArray().Select(Literal)]);
        }
        if (schema.TryGetProperty("const", out var constant))
            return Literal(constant);

        var types = Types(schema, path);
        return Node.Alt([.. types.Select(type => type switch
        {
            "object" => Object(schema, path),
            "array" => Array(schema, path),
            "string" => String(schema, path),
            "integer" => Integer(schema, path),
            "number" => Number(schema, path),
            "boolean" => Node.Alt(True, False),
            "null" => Null,
            _ => Any(),
        })]);
    }

    /// <summary>The types to generate: as given, else those the keywords imply, else any value.</summary>
    private static List<string> Types(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            var names = type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array => type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : throw Refuse("'type' must name types", $"{path}/type")).ToList(),
                _ => throw Refuse("'type' must be a string or an array of strings", $"{path}/type"),
            };
            foreach (var name in names)
                if (name is not ("object" or "array" or "string" or "integer" or "number" or "boolean" or "null"))
                    throw Refuse($"'{name}' is not a JSON Schema type", $"{path}/type");
            if (names.Count == 0)
                throw Refuse("'type' must name at least one type", $"{path}/type");
            return names;
        }
        var implied = new List<string>();
        if (ObjectKeywords.Any(k => schema.TryGetProperty(k, out _)))
            implied.Add("object");
        if (ArrayKeywords.Any(k => schema.TryGetProperty(k, out _)))
            implied.Add("array");
        if (StringKeywords.Any(k => schema.TryGetProperty(k, out _)))
            implied.Add("string");
        if (NumberKeywords.Any(k => schema.TryGetProperty(k, out _)))
            implied.Add("number");
        return implied.Count > 0 ? implied : ["any"];
    }

    /// <summary>Any JSON value: the recursive grammar of JSON itself.</summary>
    private Node Any() => _g.Recursive($"json:any:{_ws}:{_python}", self =>
    {
        var comma = JsonText.Comma(_g, _ws);
        var space = JsonText.Space(_g, _ws);
        var pair = Node.Seq(JsonText.String(_g), JsonText.Colon(_g, _ws), self);
        return Node.Alt(
            Node.Seq(Node.Text("{"), space, Node.Opt(Node.Seq(pair, Node.Star(Node.Seq(comma, pair)))), space, Node.Text("}")),
            Node.Seq(Node.Text("["), space, Node.Opt(Node.Seq(self, Node.Star(Node.Seq(comma, self)))), space, Node.Text("]")),
            JsonText.String(_g),
            JsonText.Number(_g),
            True, False, Null);
    });

    private Node Object(JsonElement schema, string path)
    {
        var properties = new List<(string Name, JsonElement Schema)>();
        if (schema.TryGetProperty("properties", out var declared))
        {
            if (declared.ValueKind != JsonValueKind.Object)
                throw Refuse("'properties' must be an object", $"{path}/properties");
            properties.AddRange(declared.EnumerateObject().Select(p => (p.Name, p.Value.Clone())));
        }
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array)
                throw Refuse("'required' must be an array of names", $"{path}/required");
            foreach (var name in requiredList.EnumerateArray())
                required.Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : throw Refuse("'required' must be an array of names", $"{path}/required"));
        }
        // No additionalProperties: none beside declared properties (a valid subset), any when none are declared.
        JsonElement? additional = schema.TryGetProperty("additionalProperties", out var extra)
            ? extra.ValueKind == JsonValueKind.False ? null : extra
            : properties.Count == 0 ? JsonSerializer.SerializeToElement(true) : null;
        foreach (var name in required.Where(n => properties.All(p => p.Name != n)))
            properties.Add((name, additional ?? throw Refuse($"'{name}' is required but neither declared in 'properties' nor allowed by 'additionalProperties'", $"{path}/required")));

        var comma = JsonText.Comma(_g, _ws);
        var colon = JsonText.Colon(_g, _ws);
        var space = JsonText.Space(_g, _ws);
        var values = properties.Select(p => Value(p.Schema, $"{path}/properties/{p.Name}")).ToArray();
        // After(i, first): properties i.. of which the first written needs no comma when nothing came before.
        var after = new int[properties.Count + 1, 2];
        for (var i = 0; i <= properties.Count; i++)
            for (var f = 0; f < 2; f++)
                after[i, f] = _g.Declare($"{path}:after{i}{(f == 1 ? "first" : "")}");
        for (var i = properties.Count; i >= 0; i--)
            for (var f = 0; f < 2; f++)
            {
                var first = f == 1;
                Node body;
                if (i == properties.Count)
                {
                    body = Additional(additional, properties.Select(p => p.Name).ToList(), first, $"{path}/additionalProperties");
                }
                else
                {
                    var name = properties[i].Name;
                    var item = Node.Seq(first ? Node.Empty : comma, Node.Text(JsonText.Quote(name)), colon, values[i], new RuleRef(after[i + 1, 0]));
                    body = required.Contains(name) ? item : Node.Alt(item, new RuleRef(after[i + 1, f]));
                }
                _g.Define(after[i, f], body);
            }
        return Node.Seq(Node.Text("{"), space, new RuleRef(after[0, 1]), space, Node.Text("}"));

        Node Additional(JsonElement? schema, List<string> names, bool first, string at)
        {
            if (schema is not { } valueSchema)
                return Node.Empty;
            var pair = new RuleRef(_g.Add($"{at}:pair", Node.Seq(ExtraKey(names), colon, Value(valueSchema, at))));
            return first ? Node.Opt(Node.Seq(pair, Node.Star(Node.Seq(comma, pair)))) : Node.Star(Node.Seq(comma, pair));
        }
    }

    /// <summary>A key that is none of the declared ones (written without escapes, so no key can be spelled two ways).</summary>
    private Node ExtraKey(List<string> declared)
    {
        var plain = JsonText.Unescaped;
        if (declared.Count == 0)
            return Node.Seq(Node.Text("\""), Node.Star(Utf8Sequences.Of(plain)), Node.Text("\""));
        var free = Node.Seq(Node.Star(Utf8Sequences.Of(plain)), Node.Text("\""));
        return Node.Seq(Node.Text("\""), Excluding(declared.Select(n => n.EnumerateRunes().Select(r => r.Value).ToArray()).ToList(), 0));

        // After a prefix shared by some declared names: the quote only where no name ends, else any other character runs free.
        Node Excluding(List<int[]> names, int depth)
        {
            var alternatives = new List<Node>();
            if (names.All(n => n.Length != depth))
                alternatives.Add(Node.Text("\""));
            var next = names.Where(n => n.Length > depth).GroupBy(n => n[depth]).ToList();
            foreach (var group in next)
                alternatives.Add(Node.Seq(Utf8Sequences.Of(CodePointSet.Of(group.Key)), Excluding([.. group], depth + 1)));
            var others = plain.Except(next.Aggregate(CodePointSet.None, (set, g) => set.Union(CodePointSet.Of(g.Key))));
            if (!others.IsEmpty)
                alternatives.Add(Node.Seq(Utf8Sequences.Of(others), free));
            return Node.Alt([.. alternatives]);
        }
    }

    private Node Array(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
            throw Refuse("'uniqueItems': true is not supported", $"{path}/uniqueItems");
        var prefix = new List<JsonElement>();
        JsonElement? rest = null;
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            prefix.AddRange(Schemas(prefixItems, $"{path}/prefixItems"));
            if (schema.TryGetProperty("items", out var items))
                rest = items;
        }
        else if (schema.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                // Draft 4–7 tuples: items as an array, additionalItems for the rest.
                prefix.AddRange(items.EnumerateArray());
                if (schema.TryGetProperty("additionalItems", out var additionalItems))
                    rest = additionalItems;
            }
            else
            {
                rest = items;
            }
        }
        var min = Count(schema, "minItems", path) ?? 0;
        var max = Count(schema, "maxItems", path) ?? -1;
        if (min > MaxArrayLength)
            throw Refuse($"'minItems' above {MaxArrayLength} is not supported", $"{path}/minItems");
        if (max > MaxArrayLength)
            max = MaxArrayLength;
        if (rest is { ValueKind: JsonValueKind.False })
            max = max < 0 ? prefix.Count : Math.Min(max, prefix.Count);
        if (max >= 0 && min > max)
            throw Refuse("'minItems' is above what the array can hold", $"{path}/minItems");

        var comma = JsonText.Comma(_g, _ws);
        var space = JsonText.Space(_g, _ws);
        var restRule = rest is { ValueKind: JsonValueKind.False } ? null
            : new RuleRef(_g.Add($"{path}:item", rest is { } r ? Value(r, $"{path}/items") : Any()));
        // Tail(i): the elements from index i on, i already written.
        Node Tail(int i)
        {
            if (max >= 0 && i >= max)
                return Node.Empty;
            if (i < prefix.Count)
            {
                var element = Node.Seq(i > 0 ? comma : Node.Empty, Value(prefix[i], $"{path}/prefixItems/{i}"));
                var more = new RuleRef(_g.Add($"{path}:tail{i + 1}", Tail(i + 1)));
                var withElement = Node.Seq(element, more);
                return i < min ? withElement : Node.Alt(Node.Empty, withElement);
            }
            if (restRule is null)
                return Node.Empty;
            var least = Math.Max(0, min - i);
            var most = max < 0 ? -1 : max - i;
            if (i > 0)
                return new Repeat(Node.Seq(comma, restRule), least, most);
            var tail = Node.Seq(restRule, new Repeat(Node.Seq(comma, restRule), Math.Max(0, least - 1), most < 0 ? -1 : most - 1));
            return least > 0 ? tail : Node.Opt(tail);
        }
        return Node.Seq(Node.Text("["), space, Tail(0), space, Node.Text("]"));
    }

    private Node String(JsonElement schema, string path)
    {
        var min = Count(schema, "minLength", path);
        var max = Count(schema, "maxLength", path);
        string? pattern = null;
        var patternPath = $"{path}/pattern";
        if (schema.TryGetProperty("format", out var format))
        {
            var name = format.ValueKind == JsonValueKind.String ? format.GetString()! : throw Refuse("'format' must be a string", $"{path}/format");
            pattern = "^" + (StringFormats.Pattern(name) ?? throw Refuse($"The string format '{name}' is not supported (date-time, date, time, email, uuid, uri, ipv4 are)", $"{path}/format")) + "$";
            patternPath = $"{path}/format";
        }
        if (schema.TryGetProperty("pattern", out var p))
        {
            if (pattern is not null)
                throw Refuse("'pattern' together with 'format' is not supported", $"{path}/pattern");
            pattern = p.ValueKind == JsonValueKind.String ? p.GetString()! : throw Refuse("'pattern' must be a string", $"{path}/pattern");
        }
        if (pattern is not null)
        {
            if (min is > 0 || max is not null)
                throw Refuse("'minLength' or 'maxLength' together with 'pattern' or 'format' is not supported", path);
            var (rx, anchoredStart, anchoredEnd) = RegexParser.Parse(pattern, patternPath);
            // JSON Schema patterns search: unanchored ends allow any text around the match.
            var anything = Node.Star(JsonText.Chars(JsonText.AnyChar));
            return Node.Seq(Node.Text("\""), anchoredStart ? Node.Empty : anything, RegexNodes.ToNode(rx, JsonText.Chars),
                anchoredEnd ? Node.Empty : anything, Node.Text("\""));
        }
        if (min > MaxStringLength)
            throw Refuse($"'minLength' above {MaxStringLength} is not supported", $"{path}/minLength");
        if (max is { } m && min is { } n && n > m)
            throw Refuse("'minLength' is above 'maxLength'", path);
        return JsonText.String(_g, min ?? 0, max is { } bound ? Math.Min(bound, MaxStringLength) : -1);
    }

    private Node Integer(JsonElement schema, string path)
    {
        var (low, high) = Bounds(schema, path);
        return low is null && high is null ? JsonText.Integer(_g) : IntegerRanges.Of(low, high);
    }

    private Node Number(JsonElement schema, string path)
    {
        NumberRanges.Bound? low = null, high = null;
        foreach (var property in schema.EnumerateObject())
        {
            var value = property.Value;
            if (property.Name is not ("minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum") || value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                continue;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var bound))
                throw Refuse($"'{property.Name}' must be a number", $"{path}/{property.Name}");
            // Draft 4 writes exclusivity as a boolean beside minimum/maximum.
            var exclusive = property.Name.StartsWith("exclusive", StringComparison.Ordinal)
                || (schema.TryGetProperty("exclusive" + char.ToUpperInvariant(property.Name[0]) + property.Name[1..], out var flag) && flag.ValueKind == JsonValueKind.True);
            var candidate = new NumberRanges.Bound(bound, !exclusive);
            if (property.Name.EndsWith("inimum", StringComparison.Ordinal))
                low = low is not { } l || bound > l.Value || (bound == l.Value && exclusive) ? candidate : l;
            else
                high = high is not { } h || bound < h.Value || (bound == h.Value && exclusive) ? candidate : h;
        }
        if (low is null && high is null)
            return JsonText.Number(_g);
        if (low is { } lo && high is { } hi && (lo.Value > hi.Value || (lo.Value == hi.Value && !(lo.Inclusive && hi.Inclusive))))
            throw Refuse("The bounds leave no number", path);
        return NumberRanges.Of(low, high);
    }

    /// <summary>Integer bounds from minimum/maximum and their exclusive forms (numbers in drafts 6+, booleans in draft 4).</summary>
    private static (long? Low, long? High) Bounds(JsonElement schema, string path)
    {
        long? low = null, high = null;
        decimal? Read(string keyword) =>
            schema.TryGetProperty(keyword, out var v) ? v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d
                : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? null
                : throw Refuse($"'{keyword}' must be a number", $"{path}/{keyword}") : null;
        bool Flag(string keyword) => schema.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.True;
        static long Clamp(decimal d) => d > long.MaxValue / 2 ? long.MaxValue / 2 : d < long.MinValue / 2 ? long.MinValue / 2 : (long)d;

        if (Read("minimum") is { } minimum)
            low = Clamp(Flag("exclusiveMinimum") ? Math.Floor(minimum) + 1 : Math.Ceiling(minimum));
        if (Read("exclusiveMinimum") is { } exclusiveMinimum)
            low = Math.Max(low ?? long.MinValue, Clamp(Math.Floor(exclusiveMinimum) + 1));
        if (Read("maximum") is { } maximum)
            high = Clamp(Flag("exclusiveMaximum") ? Math.Ceiling(maximum) - 1 : Math.Floor(maximum));
        if (Read("exclusiveMaximum") is { } exclusiveMaximum)
            high = Math.Min(high ?? long.MaxValue, Clamp(Math.Ceiling(exclusiveMaximum) - 1));
        if (low > high)
            throw Refuse("The bounds leave no integer", path);
        return (low, high);
    }

    private static int? Count(JsonElement schema, string keyword, string path) =>
        schema.TryGetProperty(keyword, out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : throw Refuse($"'{keyword}' must be a non-negative integer", $"{path}/{keyword}")
            : null;

    private static IEnumerable<JsonElement> Schemas(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 ? value.EnumerateArray() : throw Refuse("Expected a non-empty array of schemas", path);

    private static bool HasConstraints(JsonElement schema) =>
        schema.ValueKind != JsonValueKind.Object || schema.EnumerateObject().Any(p => !Annotations.Contains(p.Name));


    private JsonElement Merge(JsonElement a, JsonElement b, string path) => SchemaMerge.Merge(a, b, path, s => Inline(s, path));

    /// <summary>A schema with its own <c>$ref</c> replaced by the target (merged with any siblings).</summary>
    private JsonElement Inline(JsonElement schema, string path)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$ref", out var reference))
            return schema;
        var target = Inline(Resolve(reference, $"{path}/$ref"), path);
        var siblings = SchemaMerge.Without(schema, "$ref");
        return HasConstraints(siblings) ? Merge(target, siblings, path) : target;
    }

    /// <summary>A local reference: <c>#</c>, or a JSON pointer into this schema (<c>#/$defs/item</c>).</summary>
    private JsonElement Resolve(JsonElement reference, string path)
    {
        var pointer = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : throw Refuse("'$ref' must be a string", path);
        if (pointer == "#")
            return _root;
        if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            throw Refuse($"'$ref' \"{pointer}\" is not a local reference (only '#' and '#/…' pointers are supported)", path);
        var current = _root;
        foreach (var raw in pointer[2..].Split('/'))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/").Replace("~0", "~");
            current = current.ValueKind switch
            {
                JsonValueKind.Object when current.TryGetProperty(segment, out var next) => next,
                JsonValueKind.Array when int.TryParse(segment, out var index) && index >= 0 && index < current.GetArrayLength() => current[index],
                _ => throw Refuse($"'$ref' \"{pointer}\" points at nothing", path),
            };
        }
        return current;
    }
}
