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
        var schema = JsonSchema.FromText(SchemaCorpus.ForValidator(entry.Schema));
        var random = new Random(name.Length);
        var strict = new UTF8Encoding(false, true);
        for (var i = 0; i < 3; i++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 300);
            Assert.True(result.Finished, $"{name}: not finished within the budget: {result.Text}");
            var text = strict.GetString(result.Tokens.SelectMany(Tokenizer.TokenBytes).ToArray());
            var evaluation = schema.Evaluate(JsonDocument.Parse(text).RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
            Assert.True(evaluation.IsValid, $"{name}: {text}\n{string.Join("\n", evaluation.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [])}");
        }
    }
}
