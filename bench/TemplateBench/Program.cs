using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja;
using Dynamo.Templates.Jinja.ChatTemplates;

// Render time of a 20-message conversation with 5 tools through the Qwen3 template, compiled once.
// The baseline serialises the same conversation to JSON, a cost every request already pays, so the
// ratio says what the template adds. Usage: dotnet run -c Release --project bench/TemplateBench -- [path to shared/templates]
BenchmarkRunner.Run<ChatTemplateBenchmark>(args: args.Skip(1).ToArray());

[ShortRunJob]
[MemoryDiagnoser]
public class ChatTemplateBenchmark
{
    private IChatTemplate _qwen3 = null!;
    private ChatTemplateInput _input = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Environment.GetEnvironmentVariable("DYNAMO_TEMPLATES") ?? Path.GetFullPath("../shared/templates");
        _qwen3 = new JinjaChatTemplate(new JinjaTemplate(File.ReadAllText(Path.Combine(folder, "Qwen-Qwen3-0.6B.jinja"))));
        var parameters = JsonDocument.Parse("""{"type":"object","properties":{"query":{"type":"string","description":"What to look for"},"limit":{"type":"integer"}},"required":["query"]}""").RootElement;
        var tools = Enumerable.Range(0, 5).Select(i => new ToolDefinition($"tool_{i}", $"Tool number {i}, which does something useful.", parameters)).ToList();
        var messages = new List<ChatMessage> { new("system", "You are a helpful agent.") };
        for (var turn = 0; messages.Count < 20; turn++)
        {
            messages.Add(new ChatMessage("user", $"Question {turn}: please look up item {turn} and summarise it in a few sentences."));
            if (turn % 2 == 0)
            {
                messages.Add(new ChatMessage("assistant", "Let me look that up.", ToolCalls: [new ToolCall($"call_{turn}", "tool_1", $"{{\"query\": \"item {turn}\", \"limit\": 3}}")]));
                messages.Add(new ChatMessage("tool", $"Item {turn}: a long description of the item with several details.", ToolCallId: $"call_{turn}"));
            }
            else
                messages.Add(new ChatMessage("assistant", $"Item {turn} is a thing with properties A, B and C."));
        }
        _input = new ChatTemplateInput(messages.Take(20).ToList(), tools, true, "<|endoftext|>", "<|im_end|>", null);
    }

    [Benchmark(Baseline = true)]
    public string SerializeTheConversation() => JsonSerializer.Serialize(new { messages = _input.Messages, tools = _input.Tools });

    [Benchmark]
    public string RenderQwen3() => _qwen3.Render(_input);
}
