using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.Tests;

public sealed class ToolCallParserTests
{
    internal static IToolCallParser Parser(string family) => PluginComponents.Create<IToolCallParser>(typeof(ToolCallAccumulator).Assembly, family);

    public static TheoryData<ToolCallCase> Cases() => [.. ToolCallCases.All];

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneShotGivesTheContentAndCalls(ToolCallCase c)
    {
        var result = Parser(c.Family).Parse(c.Text, ToolCallCases.WeatherTools);
        Assert.Equal(c.Content, result.Content);
        Assert.Equal(c.Calls, result.ToolCalls.Select(t => (t.Name, t.ArgumentsJson)).ToArray());
        Assert.Equal(result.ToolCalls.Count, result.ToolCalls.Select(t => t.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamingGivesTheSameForAnyChunking(ToolCallCase c)
    {
        var parser = Parser(c.Family);
        foreach (var (how, chunks) in Chunking.All(c.Text))
        {
            var stream = parser.CreateStreamParser(ToolCallCases.WeatherTools);
            var result = new ToolCallAccumulator();
            foreach (var chunk in chunks)
                result.Add(stream.Push(chunk));
            result.Add(stream.Finish());
            var streamed = result.Result();
            Assert.True(c.Content == streamed.Content, $"{how}: content {streamed.Content}");
            Assert.True(c.Calls.SequenceEqual(streamed.ToolCalls.Select(t => (t.Name, t.ArgumentsJson))), $"{how}: calls {string.Join("; ", streamed.ToolCalls)}");
        }
    }

    [Fact]
    public void ArgumentsStreamAsTheModelWritesThem()
    {
        var stream = Parser("mistral").CreateStreamParser([]);
        Assert.Equal("Hi ", stream.Push("Hi [TOOL_").Content);
        var first = stream.Push("CALLS][{\"name\": \"search\", \"arguments\": {\"q\": \"long que");
        var header = Assert.Single(first.Calls);
        Assert.Equal((0, "search", "{\"q\": \"long que"), (header.Index, header.Name, header.ArgumentsDelta));
        Assert.Matches("^[A-Za-z0-9]{9}$", header.Id);
        var more = Assert.Single(stream.Push("ry\"}}]").Calls);
        Assert.Equal((0, null, null, "ry\"}"), (more.Index, more.Id, more.Name, more.ArgumentsDelta));
    }

    [Fact]
    public void HermesMakesACallOnceItsJsonIsWhole()
    {
        var stream = Parser("hermes").CreateStreamParser([]);
        Assert.Equal("Hi ", stream.Push("Hi <tool_call>{\"name\": \"search\", \"arguments\": {\"q\": \"long que").Content);
        var call = Assert.Single(stream.Push("ry\"}}</tool_call>").Calls);
        Assert.Equal((0, "search", "{\"q\": \"long query\"}"), (call.Index, call.Name, call.ArgumentsDelta));
        Assert.StartsWith("call_", call.Id);
    }

    [Fact]
    public void MistralIdsAreNineLettersAndDigitsAndKimiKeepsItsOwn()
    {
        var mistral = Parser("mistral").Parse("[TOOL_CALLS]f{}", []);
        Assert.Matches("^[A-Za-z0-9]{9}$", mistral.ToolCalls.Single().Id);
        var kimi = Parser("kimi_k2").Parse("<|tool_calls_section_begin|><|tool_call_begin|>functions.f:3<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>", []);
        Assert.Equal("functions.f:3", kimi.ToolCalls.Single().Id);
    }
}
