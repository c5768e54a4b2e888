using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda;
using Json.Schema;

namespace Dynamo.Grammar.Tests;

/// <summary>Every schema of the benchmark's corpus compiles, and what it writes validates (a few walks each: the benchmark runs many).</summary>
public sealed class SchemaCorpusTests
{
    private static readonly SyntheticTokenizer Tokenizer = new();

    public static TheoryData<string> Names => [.. SchemaCorpus.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_schema_compiles_and_its_outputs_validate(string name)
    {
        var entry = SchemaCorpus.All.Single(e => e.Name == name);
        var grammar = new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(entry.Schema), Tokenizer);
        var schema = Dynamo.Dev.Commands.SchemaDialect.Validator(entry.Schema);
        var random = new Random(name.Length);
        var strict = new UTF8Encoding(false, true);
        for (var i = 0; i < 3; i++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 300);
            Assert.True(result.Finished, $"{name}: not finished within the budget: {result.Text}");
            var text = strict.GetString(result.Tokens.SelectMany(Tokenizer.TokenBytes).ToArray());
            Assert.Null(Dynamo.Dev.Commands.SchemaDialect.Errors(schema, JsonDocument.Parse(text).RootElement) is { } errors ? $"{name}: {text}\n{errors}" : null);
        }
    }
}
