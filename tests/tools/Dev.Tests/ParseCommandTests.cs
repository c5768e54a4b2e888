using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary><c>dynamo parse</c>, in process, with the parser plugins loaded from the plugin folder.</summary>
public sealed class ParseCommandTests
{
    private static async Task<string> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ParseCommand.RunAsync([.. args, $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}", "--Logging:LogLevel:Default=Warning"], new StringReader(stdin), output));
        return output.ToString().TrimEnd('\n');
    }

    private const string Output = "Sure.<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>";

    [Fact]
    public async Task ToolCallsOneShotAndStreamedPrintTheSame()
    {
        var whole = await RunAsync(Output, "tool-calls", "--parser", "hermes");
        var result = JsonDocument.Parse(whole).RootElement;
        Assert.Equal("Sure.", result.GetProperty("normal_text").GetString());
        var call = result.GetProperty("calls")[0];
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("Paris", call.GetProperty("arguments").GetProperty("city").GetString()); // the object, not a string
        string WithoutIds(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"id\":\"[^\"]*\"", "");
        Assert.Equal(WithoutIds(whole), WithoutIds(await RunAsync(Output, "tool-calls", "--parser", "hermes", "--random-chunks", "7")));
        Assert.Equal(WithoutIds(whole), WithoutIds(await RunAsync(Output, "tool-calls", "--parser", "qwen25", "--chunks", "1")));
    }

    [Fact]
    public async Task JsonlKeepsEachIdAndUsesEachLinesTools()
    {
        var input = string.Join("\n",
            JsonSerializer.Serialize(new { id = "a", text = "no call here" }),
            JsonSerializer.Serialize(new
            {
                id = 2,
                text = "<tool_call>\n<function=f>\n<parameter=n>\n5\n</parameter>\n</function>\n</tool_call>",
                tools = new[] { new { type = "function", function = new { name = "f", parameters = new { type = "object", properties = new { n = new { type = "integer" } } } } } },
            }));
        var lines = (await RunAsync(input, "tool-calls", "--parser", "qwen3_coder", "--jsonl")).Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal("a", lines[0].GetProperty("id").GetString());
        Assert.Equal("no call here", lines[0].GetProperty("normal_text").GetString());
        Assert.Equal(2, lines[1].GetProperty("id").GetInt32());
        Assert.Equal(5, lines[1].GetProperty("calls")[0].GetProperty("arguments").GetProperty("n").GetInt32()); // typed by the line's schema
    }

    [Fact]
    public async Task Reasoning()
    {
        var result = JsonDocument.Parse(await RunAsync("<think>hmm</think>Answer", "reasoning", "--parser", "qwen3", "--chunks", "3")).RootElement;
        Assert.Equal("hmm", result.GetProperty("reasoning").GetString());
        Assert.Equal("Answer", result.GetProperty("content").GetString());
    }
}
