using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda;
using Json.Schema;
using Xunit.Abstractions;

namespace Dynamo.Grammar.Tests;

/// <summary>JSON forced through schemas, checked by a JSON Schema library (JsonSchema.Net), never by the matcher itself.</summary>
public sealed class JsonSchemaTests(ITestOutputHelper output)
{
    private static readonly SyntheticTokenizer Tokenizer = new();

    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18,"maximum":99},"email":{"type":"string","format":"email"}},"required":["name","age"]}""",
        """{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"enum":["a","b","c"]},"minItems":1,"maxItems":3}},"required":["id","tags"]},"minItems":1}""",
        """{"$defs":{"tree":{"type":"object","properties":{"value":{"type":"integer","exclusiveMinimum":-5,"exclusiveMaximum":5},"children":{"type":"array","items":{"$ref":"#/$defs/tree"},"maxItems":2}},"required":["value"]}},"$ref":"#/$defs/tree"}""",
        """{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},"at":{"type":"string","format":"time"},"id":{"type":"string","format":"uuid"},"site":{"type":"string","format":"uri"},"ip":{"type":"string","format":"ipv4"}},"required":["when","day","at","id","site","ip"]}""",
        """{"anyOf":[{"type":"string","minLength":3,"maxLength":6},{"type":"integer","minimum":1000},{"type":"null"}]}""",
        """{"type":"object","properties":{"kind":{"const":"point"},"x":{"type":"number"},"y":{"type":"number"}},"required":["kind","x","y"],"additionalProperties":false}""",
        """{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"boolean"}},"required":["b"]}]}""",
        """{"type":"object","additionalProperties":{"type":"integer"}}""",
        """{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-\\d{2,4}$"},"note":{"type":["string","null"]}},"required":["code","note"]}""",
        """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"},{"type":"boolean"}],"items":false,"minItems":2}""",
        """{"type":"object","properties":{"known":{"type":"string"}},"additionalProperties":true}""",
        """{"type":"string","pattern":"ab+c"}""",
        """true""",
        """{"type":"object","properties":{"opt1":{"type":"integer"},"opt2":{"type":"integer"},"opt3":{"type":"integer"}}}""",
        """{"type":"integer","minimum":-250,"maximum":-7}""",
        """{"type":"object","properties":{"price":{"type":"number","minimum":0},"ratio":{"type":"number","minimum":0,"maximum":1},"temp":{"type":"number","exclusiveMinimum":-273.15,"maximum":56.7},"delta":{"type":"number","minimum":-2.5,"exclusiveMaximum":-0.125},"score":{"type":"number","exclusiveMinimum":0.5,"exclusiveMaximum":0.75}},"required":["price","ratio","temp","delta","score"]}""",
        """{"type":"object","properties":{"p":{"type":["string","null"]},"q":{"oneOf":[{"type":"integer"},{"type":"string","enum":["x"]}]}},"required":["p","q"]}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Every_finished_output_parses_and_validates(string schemaText)
    {
        var spec = new JsonSchemaGrammar(JsonDocument.Parse(schemaText).RootElement.Clone());
        var grammar = new PdaGrammarCompiler().Compile(spec, Tokenizer);
        var schema = JsonSchema.FromText(schemaText);
        var random = new Random(schemaText.Length);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var i = 0; i < 40; i++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 160);
            Assert.True(result.Finished, $"not finished within the budget: {result.Text}");
            var bytes = result.Tokens.SelectMany(Tokenizer.TokenBytes).ToArray();
            var text = strict.GetString(bytes); // valid UTF-8, or this throws
            if (i < 3)
                output.WriteLine(text);
            using var document = JsonDocument.Parse(text);
            var evaluation = schema.Evaluate(document.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
            Assert.True(evaluation.IsValid, $"invalid against {schemaText}: {text}\n{string.Join("\n", evaluation.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [])}");
        }
    }

    [Theory]
    [InlineData("""{"type":"string","contentEncoding":"base64"}""", "contentEncoding")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties")]
    [InlineData("""{"type":"array","uniqueItems":true}""", "uniqueItems")]
    [InlineData("""{"type":"number","multipleOf":0.5}""", "multipleOf")]
    [InlineData("""{"type":"string","format":"hostname-ish"}""", "hostname-ish")]
    [InlineData("""{"$ref":"https://example.com/schema"}""", "$ref")]
    [InlineData("""{"type":"string","pattern":"(a)\\1"}""", "backreference")]
    [InlineData("""{"type":"wizard"}""", "wizard")]
    [InlineData("""{"not":{"type":"string"}}""", "not")]
    public void Unsupported_keywords_are_refused_by_name(string schema, string named)
    {
        var error = Assert.Throws<GrammarException>(() => new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse(schema).RootElement.Clone()), Tokenizer));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Numbers_and_integers_keep_within_random_bounds()
    {
        var random = new Random(11);
        var compiler = new PdaGrammarCompiler();
        for (var trial = 0; trial < 60; trial++)
        {
            decimal Pick() => Math.Round((decimal)(random.NextDouble() * 200 - 100), random.Next(0, 4));
            var (a, b) = (Pick(), Pick());
            if (a > b)
                (a, b) = (b, a);
            var integer = random.Next(3) == 0;
            var lowKey = random.Next(2) == 0 ? "minimum" : "exclusiveMinimum";
            var highKey = random.Next(2) == 0 ? "maximum" : "exclusiveMaximum";
            if (integer && Math.Ceiling(a) > Math.Floor(b) - 1)
                continue;
            if (a == b)
                continue;
            var schema = $$"""{"type":"{{(integer ? "integer" : "number")}}","{{lowKey}}":{{a.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"{{highKey}}":{{b.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";
            var grammar = compiler.Compile(new JsonSchemaGrammar(JsonDocument.Parse(schema).RootElement.Clone()), Tokenizer);
            for (var i = 0; i < 20; i++)
            {
                var text = Generation.Walk(grammar, Tokenizer, random, budget: 24).Text;
                var value = decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(lowKey == "minimum" ? value >= a : value > a, $"{schema}: {text}");
                Assert.True(highKey == "maximum" ? value <= b : value < b, $"{schema}: {text}");
                if (integer)
                    Assert.DoesNotContain(".", text);
            }
        }
    }

    [Fact]
    public void Nullable_adds_null_to_what_the_schema_allows()
    {
        // OpenAPI's keyword, which JSON Schema validators do not know: checked by hand.
        var grammar = new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse("""{"type":"boolean","nullable":true}""").RootElement.Clone()), Tokenizer);
        var seen = new HashSet<string>();
        var random = new Random(1);
        for (var i = 0; i < 60; i++)
            seen.Add(Generation.Walk(grammar, Tokenizer, random, budget: 10).Text);
        Assert.Equal(["false", "null", "true"], seen.Order());
    }

    [Fact]
    public void Annotations_are_accepted_and_change_nothing()
    {
        var plain = """{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}""";
        var annotated = """{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","title":"T","description":"D","$comment":"c","type":"object","properties":{"a":{"type":"integer","default":3,"examples":[1],"deprecated":true,"readOnly":true,"writeOnly":false}},"required":["a"]}""";
        var compiler = new PdaGrammarCompiler();
        var first = Generation.Walk(compiler.Compile(new JsonSchemaGrammar(JsonDocument.Parse(plain).RootElement.Clone()), Tokenizer), Tokenizer, new Random(5), budget: 30);
        var second = Generation.Walk(compiler.Compile(new JsonSchemaGrammar(JsonDocument.Parse(annotated).RootElement.Clone()), Tokenizer), Tokenizer, new Random(5), budget: 30);
        Assert.Equal(first.Text, second.Text);
    }

    [Theory]
    [InlineData("date", "2024-02-29", true)]
    [InlineData("date", "2000-02-29", true)]
    [InlineData("date", "2023-03-31", true)]
    [InlineData("date", "2023-04-30", true)]
    [InlineData("date", "0001-01-01", true)]
    [InlineData("date", "2023-02-29", false)]
    [InlineData("date", "1900-02-29", false)]
    [InlineData("date", "2023-04-31", false)]
    [InlineData("date", "2023-13-01", false)]
    [InlineData("date", "0000-01-01", false)]
    [InlineData("date-time", "2024-12-31T23:59:59.5+05:30", true)]
    [InlineData("uri", "https://example.com:8080/a/b?c=d", true)]
    [InlineData("uri", "https://example.com:65535/", true)]
    [InlineData("uri", "https://example.com:65536/", false)]
    public void Formats_take_every_real_value_and_no_impossible_one(string format, string value, bool valid)
    {
        var grammar = new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse($$"""{"type":"string","format":"{{format}}"}""").RootElement.Clone()), Tokenizer);
        var matcher = grammar.CreateMatcher();
        // Single-byte tokens have the byte's id.
        var read = System.Text.Encoding.UTF8.GetBytes($"\"{value}\"").All(b => matcher.Accept(b));
        Assert.Equal(valid, read && matcher.CanEnd);
    }
}
