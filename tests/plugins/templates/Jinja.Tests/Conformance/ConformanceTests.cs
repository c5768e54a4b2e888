using System.Text.Json;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja.ChatTemplates;

namespace Dynamo.Templates.Jinja.Tests.Conformance;

/// <summary>
/// Every shared real template over every case in cases.json, byte for byte against Python's
/// jinja2 as Hugging Face configures it (expected.json, made by generate.py): the same prompt, the
/// same raise_exception refusal, or a failure with jinja2's words where jinja2 failed.
/// </summary>
public sealed class ConformanceTests
{
    private static readonly string Here = Path.Combine(AppContext.BaseDirectory, "Conformance");
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here, "cases.json"))).RootElement;
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Here, "expected.json"))).RootElement;
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> Templates() => [.. SharedTemplates.Names];

    [SkippableTheory]
    [MemberData(nameof(Templates))]
    public void RendersAsHuggingFaceDoes(string name)
    {
        var template = new JinjaChatTemplate(new JinjaTemplate(SharedTemplates.Read(name), () => Now));
        var failures = new List<string>();
        foreach (var c in Cases.EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            var expected = Expected.GetProperty($"{name}|{id}");
            string? actual = null;
            ChatTemplateException? error = null;
            try
            {
                actual = template.Render(Input(c));
            }
            catch (ChatTemplateException e)
            {
                error = e;
            }
            if (expected.TryGetProperty("prompt", out var prompt) && prompt.GetString() != actual)
                failures.Add($"{id}: expected\n{prompt.GetString()}\n--- got ---\n{actual ?? error!.Message}");
            else if (expected.TryGetProperty("raised", out var raised) && error?.Message != raised.GetString())
                failures.Add($"{id}: expected the refusal '{raised.GetString()}', got {(error is null ? "a prompt" : $"'{error.Message}'")}");
            else if (expected.TryGetProperty("error", out var failure) && Failure(error) != Failure(failure.GetString()!))
                failures.Add($"{id}: jinja2 failed ({failure.GetString()}), this {(error is null ? "rendered" : $"failed with '{error.Message}'")}");
        }
        Assert.True(failures.Count == 0, string.Join("\n=====\n", failures));
    }

    /// <summary>The words of a failure: jinja2's without the Python type ("TypeError: "), ours without the line ("line 3: ").</summary>
    private static string? Failure(ChatTemplateException? error) => error?.InnerException is TemplateException t ? t.Message[(t.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..] : error?.Message;

    private static string Failure(string python) => python[(python.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    private static ChatTemplateInput Input(JsonElement c)
    {
        string? Text(JsonElement m, string property) => m.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var messages = c.GetProperty("messages").EnumerateArray().Select(m =>
        {
            var content = m.TryGetProperty("content", out var body) && body.ValueKind == JsonValueKind.Array
                ? string.Join("\n", body.EnumerateArray().Select(p => p.GetProperty("text").GetString()))
                : Text(m, "content");
            var calls = m.TryGetProperty("tool_calls", out var tc)
                ? tc.EnumerateArray().Select(t => new ToolCall(t.GetProperty("id").GetString()!, t.GetProperty("function").GetProperty("name").GetString()!,
                    t.GetProperty("function").GetProperty("arguments").GetString()!)).ToList()
                : null;
            return new ChatMessage(m.GetProperty("role").GetString()!, content, null, calls, Text(m, "tool_call_id"), Text(m, "name"), Text(m, "reasoning_content"));
        }).ToList();
        var tools = c.TryGetProperty("tools", out var t)
            ? t.EnumerateArray().Select(x => x.GetProperty("function")).Select(f => new ToolDefinition(f.GetProperty("name").GetString()!, Text(f, "description"),
                f.TryGetProperty("parameters", out var p) ? p : null)).ToList()
            : null;
        var kwargs = c.TryGetProperty("chat_template_kwargs", out var k) ? k.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : null;
        var addGenerationPrompt = !c.TryGetProperty("add_generation_prompt", out var g) || g.GetBoolean();
        return new ChatTemplateInput(messages, tools, addGenerationPrompt, "<s>", "</s>", kwargs);
    }
}
