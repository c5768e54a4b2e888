using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja.ChatTemplates;

namespace Dynamo.Templates.Jinja.Tests;

/// <summary>The variables the jinja plugin builds from a request, as vLLM and llama.cpp build them for the same templates.</summary>
public sealed class ChatTemplateTests
{
    private static string Render(string source, params ChatMessage[] messages) =>
        new JinjaChatTemplate(new JinjaTemplate(source)).Render(new ChatTemplateInput(messages, null, false, "", "", null));

    private static readonly ChatMessage Call = new("assistant", null, ToolCalls: [new ToolCall("c1", "f", "{\"a\":1, \"b\": [true]}")]);

    [Fact]
    public void ArgumentsAreObjectsForTemplatesThatPrintThemAsJson() =>
        Assert.Equal("{\"a\": 1, \"b\": [true]}|1", Render("{% for m in messages %}{{ m.tool_calls[0].function.arguments|tojson }}|{{ m.tool_calls[0].function.arguments.a }}{% endfor %}", Call));

    [Theory]
    [InlineData("{% for m in messages %}{{ 'args: ' + m.tool_calls[0]['function']['arguments'] }}{% endfor %}")] // DeepSeek's shape
    [InlineData("{% for m in messages %}{% set f = m.tool_calls[0].function %}{{ f.arguments + '!' }}{% endfor %}")]
    public void TemplatesThatConcatenateArgumentsGetTheJsonTextAsSent(string source) =>
        Assert.Contains("{\"a\":1, \"b\": [true]}", Render(source, Call));

    [Fact]
    public void TildeAndFilteredOperandsDoNotCountAsConcatenation() =>
        Assert.Equal("x{\"a\": 1, \"b\": [true]}", Render("{% for m in messages %}{{ 'x' + m.tool_calls[0].function.arguments|tojson }}{% endfor %}", Call));

    [Fact]
    public void ReasoningIsAlsoThinkingAndBesideToolCallsTheToolPlan()
    {
        var source = "{% for m in messages %}[{{ m.thinking }}|{{ m.tool_plan }}|{{ m.reasoning_content }}|{{ 'thinking' in m }}]{% endfor %}";
        var withCalls = Call with { ReasoningContent = "plan" };
        var answer = new ChatMessage("assistant", "4", ReasoningContent: "add");
        var user = new ChatMessage("user", "hi", ReasoningContent: "not an assistant's");
        Assert.Equal("[plan|plan|plan|True][add||add|True][||not an assistant's|False]", Render(source, withCalls, answer, user));
    }
}
