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

    [Fact]
    public async Task ABadLineGetsAnErrorLineForItsIdAndTheRunGoesOn()
    {
        var input = string.Join("\n",
            "{\"id\": 1, \"text\": \"<tool_call>{\\\"name\\\": \\\"f\\\", \\\"arguments\\\": {}}</tool_call>\", \"tools\": [{\"name\": \"f\"}]}",
            "{\"id\": 2, \"text\": \"unterminated",
            "[1, 2]",
            JsonSerializer.Serialize(new { id = 4, text = "fine" }));
        var lines = (await RunAsync(input, "tool-calls", "--parser", "hermes", "--jsonl")).Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal(1, lines[0].GetProperty("id").GetInt32());
        Assert.Contains("tools[0].type", lines[0].GetProperty("error").GetString()); // tools not in OpenAI's shape
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("id").ValueKind); // the line is not JSON, so its id is unknown
        Assert.False(string.IsNullOrEmpty(lines[1].GetProperty("error").GetString()));
        Assert.False(string.IsNullOrEmpty(lines[2].GetProperty("error").GetString()));
        Assert.Equal("fine", lines[3].GetProperty("normal_text").GetString());
    }

    [Fact]
    public async Task ReasoningFollowsTheThinkingSwitch()
    {
        // Qwen3's template opens <think> itself, so without a tag the text before </think> is still reasoning.
        var on = JsonDocument.Parse(await RunAsync("hmm</think>Answer", "reasoning", "--parser", "qwen3")).RootElement;
        Assert.Equal(("hmm", "Answer"), (on.GetProperty("reasoning").GetString(), on.GetProperty("content").GetString()));
        var off = JsonDocument.Parse(await RunAsync("Answer", "reasoning", "--parser", "qwen3", "--thinking", "off")).RootElement;
        Assert.Equal(JsonValueKind.Null, off.GetProperty("reasoning").ValueKind);
        Assert.Equal("Answer", off.GetProperty("content").GetString());
        var line = JsonSerializer.Serialize(new { id = "x", text = "Answer", chat_template_kwargs = new { enable_thinking = false } });
        var perLine = JsonDocument.Parse(await RunAsync(line, "reasoning", "--parser", "qwen3", "--jsonl")).RootElement;
        Assert.Equal("Answer", perLine.GetProperty("content").GetString());
    }
}
