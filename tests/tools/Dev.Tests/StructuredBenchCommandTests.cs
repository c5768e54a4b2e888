using Dynamo.Dev.Commands;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary>The structured-output benchmark at toy size, on the shipped model: both parts run and no output fails its schema.</summary>
public sealed class StructuredBenchCommandTests
{
    [Fact]
    public async Task Measures_the_ratio_and_validates_every_output()
    {
        var schemas = Path.Combine(Path.GetTempPath(), $"schemas-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(schemas,
        [
            """{"name": "flag", "kind": "data", "schema": {"type": "boolean"}}""",
            """{"name": "point", "kind": "data", "schema": {"type": "object", "properties": {"x": {"type": "integer", "minimum": 0, "maximum": 9}, "tag": {"enum": ["a", "b"]}}, "required": ["x", "tag"], "additionalProperties": false}}""",
            """{"name": "names", "kind": "data", "schema": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 2}}""",
        ]);
        try
        {
            var output = new StringWriter();
            var code = await StructuredBenchCommand.RunAsync(
            [
                "--model", Path.Combine(DynamoServer.RepoRoot, "models", "stories260K.gguf"), "--schemas", schemas,
                "--batches", "1,2", "--decode-tokens", "6", "--decode-total", "12", "--max-tokens", "24",
                $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}",
            ], output);
            var text = output.ToString();
            Assert.True(code == 0, text);
            Assert.Equal(2, text.Split('\n').Count(l => l.Contains("ratio ", StringComparison.Ordinal) && !l.Contains("NaN", StringComparison.Ordinal)));
            Assert.Contains("plain, max_tokens 24:", text);
            // Closing on budget finishes all three (each fits in 24 tokens), and every finished output validates.
            Assert.Contains("closing on budget, max_tokens 24: 3 finished (3 valid, 0 invalid), 0 cut", text);
        }
        finally
        {
            File.Delete(schemas);
        }
    }
}
