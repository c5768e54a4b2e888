using Dynamo.Abstractions.Parsing;
using Dynamo.Parsers.Reasoning;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.Tests;

public sealed class ReasoningParserTests
{
    private static IReasoningParser Parser(string family) => PluginComponents.Create<IReasoningParser>(typeof(ReasoningAccumulator).Assembly, family);

    public static TheoryData<string, string, string?, string?> Cases() => new()
    {
        { "deepseek_r1", "Let me think.</think>\n\nAnswer.", "Let me think.", "\n\nAnswer." },
        { "deepseek_r1", "<think>\nHmm</think>Yes", "\nHmm", "Yes" },
        { "deepseek_r1", "still thinking when cut", "still thinking when cut", null },
        { "deepseek_r1", "a <think> inside</think>b", "a <think> inside", "b" },
        { "qwen3", "<think>\nabc\n</think>\n\nAnswer", "\nabc\n", "\n\nAnswer" },
        { "qwen3", "Before the tag: the template opened it.</think>Answer", "Before the tag: the template opened it.", "Answer" },
        { "qwen3", "Checking.\n<tool_call>\n{\"name\": \"f\"}", "Checking.\n", "<tool_call>\n{\"name\": \"f\"}" },
        { "deepseek_r1", "<think>a</think>b<think>c</think>d", "ac", "bd" },
        { "basic", "No tags, no reasoning.</think> A stray end tag is dropped.", null, "No tags, no reasoning. A stray end tag is dropped." },
        { "granite", "Here's my thought process: A. Here is my response: B.", " A. ", " B." },
        { "gemma4", "intro <|channel>thought\nrumination<channel|>outro", "rumination", "intro outro" },
        { "gemma4", "<|channel>thoughtful start<channel|>x", "thoughtful start", "x" },
        { "kimi_k3", "<|open|>think<|sep|>plan<|close|>think<|sep|><|open|>response<|sep|>Hi", "plan", "<|open|>response<|sep|>Hi" },
        { "qwen3", "<think>cut short", "cut short", null },
        { "granite", "Here is my thought process: A. Here is my response: B.", " A. ", " B." },
        { "kimi", "◁think▷x◁/think▷y", "x", "y" },
        { "mistral", "[THINK]x [/THINK]y", "x ", "y" },
        { "gpt_oss", "<|channel|>analysis<|message|>Think.<|end|><|start|>assistant<|channel|>final<|message|>Hi there.<|return|>", "Think.", "Hi there." },
        { "gpt_oss", "<|channel|>analysis<|message|>Need a tool.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"SF\"}<|call|>",
            "Need a tool.", "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"SF\"}<|call|>" },
        { "gpt_oss", "plain text, no harmony", null, "plain text, no harmony" },
        { "gpt_oss", "<|channel|>analysis<|message|>One.<|end|><|start|>assistant<|channel|>analysis<|message|>Two.<|end|><|start|>assistant<|channel|>final<|message|>Hi<|return|>", "One.\nTwo.", "Hi" },
        { "gpt_oss", "<|channel|>commentary to=functions.f <|constrain|>json<|message|>{\"a\":", null, null }, // a call cut short is no call
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneShotAndEveryChunkingAgree(string family, string text, string? reasoning, string? content)
    {
        var parser = Parser(family);
        Assert.Equal(new ReasoningParseResult(reasoning, content), parser.Parse(text));
        foreach (var (how, chunks) in Chunking.All(text))
        {
            var stream = parser.CreateStreamParser();
            var result = new ReasoningAccumulator();
            foreach (var chunk in chunks)
                result.Add(stream.Push(chunk));
            result.Add(stream.Finish());
            Assert.True(new ReasoningParseResult(reasoning, content) == result.Result(), $"{how}: {result.Result()}");
        }
    }

    [Fact]
    public void TheThinkingSwitchSaysWhetherTheTemplateOpenedTheThought()
    {
        Assert.Equal(new ReasoningParseResult(null, "Plain answer"), Parser("qwen3").Parse("Plain answer", ReasoningRequest.WithThinking(false)));
        Assert.Equal(new ReasoningParseResult("Plain answer", null), Parser("qwen3").Parse("Plain answer", ReasoningRequest.Default));
        // A family whose model writes <think> itself is not forced by the switch; DeepSeek V4's template opens it only when on.
        Assert.Equal(new ReasoningParseResult(null, "Still thinkingdone"), Parser("basic").Parse("Still thinking</think>done", ReasoningRequest.WithThinking(true)));
        Assert.Equal(new ReasoningParseResult("Still thinking", "done"), Parser("deepseek_v4").Parse("Still thinking</think>done", ReasoningRequest.WithThinking(true)));
        Assert.Equal(new ReasoningParseResult(null, "Still thinkingdone"), Parser("deepseek_v4").Parse("Still thinking</think>done", ReasoningRequest.Default));
        var kwargs = new Dictionary<string, System.Text.Json.JsonElement> { ["thinking"] = System.Text.Json.JsonSerializer.SerializeToElement(false) };
        Assert.Equal(new ReasoningParseResult(null, "x"), Parser("deepseek_r1").Parse("x", new ReasoningRequest(kwargs)));
    }

    [Fact]
    public void ReasoningStreamsAtOnceAndAPartialTagWaits()
    {
        var stream = Parser("qwen3").CreateStreamParser();
        Assert.Equal(new ReasoningParseResult("abc", null), stream.Push("<think>abc</th"));
        Assert.Equal(new ReasoningParseResult(null, "Answer"), stream.Push("ink>Answer"));
    }

    [Fact]
    public void ReasoningThenToolCallsComposeForAnyChunking()
    {
        const string text = "<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"SF\"}<|call|>";
        foreach (var (how, chunks) in Chunking.All(text))
        {
            var reasoning = Parser("gpt_oss").CreateStreamParser();
            var tools = ToolCallParserTests.Parser("harmony").CreateStreamParser([]);
            var (thought, calls) = (new ReasoningAccumulator(), new ToolCallAccumulator());
            foreach (var chunk in chunks.Append(null))
            {
                var r = chunk is null ? reasoning.Finish() : reasoning.Push(chunk);
                thought.Add(r with { Content = null });
                if (r.Content is not null)
                    calls.Add(tools.Push(r.Content));
            }
            calls.Add(tools.Finish());
            Assert.Equal("Need weather.", thought.Result().Reasoning);
            var result = calls.Result();
            Assert.True(result.Content is null, $"{how}: content {result.Content}");
            Assert.Equal(("get_weather", "{\"city\": \"SF\"}"), result.ToolCalls.Select(c => (c.Name, c.ArgumentsJson)).Single());
        }
    }
}
