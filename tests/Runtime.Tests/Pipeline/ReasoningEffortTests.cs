using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Pipeline;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Tests.Pipeline;

/// <summary>Effort levels as thinking switches and budgets, and model aliases as globs.</summary>
public sealed class ReasoningEffortTests
{
    private static readonly ChatRequest Request = new("m", [new ChatMessage("user", "hi")]);

    [Fact]
    public void Efforts_turn_thinking_off_on_or_on_with_the_configured_budget()
    {
        var options = new DynamoOptions();
        options.ReasoningEffort["medium"] = 100;
        var efforts = new ReasoningEfforts(Options.Create(options));

        Assert.Same(Request, efforts.Apply(Request, null, "reasoning.effort"));
        foreach (var off in new[] { "none", "minimal" })
            Assert.Equal((false, (int?)null), Switch(efforts.Apply(Request, off, "reasoning.effort")));
        Assert.Equal((true, (int?)1024), Switch(efforts.Apply(Request, "low", "reasoning.effort")));
        Assert.Equal((true, (int?)100), Switch(efforts.Apply(Request, "medium", "reasoning.effort")));
        Assert.Equal((true, (int?)16384), Switch(efforts.Apply(Request, "high", "reasoning.effort")));
        Assert.Equal((true, (int?)null), Switch(efforts.Apply(Request, "xhigh", "reasoning.effort")));
        // A budget the request set itself (nvext.max_thinking_tokens) is kept.
        Assert.Equal((true, (int?)7), Switch(efforts.Apply(Request with { MaxThinkingTokens = 7 }, "high", "output_config.effort")));

        var error = Assert.Throws<DynamoRequestException>(() => efforts.Apply(Request, "extreme", "output_config.effort"));
        Assert.Equal("output_config.effort", error.Param);
    }

    private static (bool? Thinking, int? Budget) Switch(ChatRequest request) => (request.Thinking, request.MaxThinkingTokens);

    [Fact]
    public void Aliases_are_globs_and_the_most_literal_pattern_wins()
    {
        var aliases = new ModelAliases(new Dictionary<string, string> { ["*"] = "any", ["claude-*"] = "big", ["claude-haiku-*"] = "small", ["gpt-5?"] = "five" });
        Assert.Equal("small", aliases.Resolve("claude-haiku-4-5"));
        Assert.Equal("big", aliases.Resolve("claude-opus-4-1"));
        Assert.Equal("five", aliases.Resolve("gpt-51"));
        Assert.Equal("any", aliases.Resolve("gpt-5-mini"));
        Assert.Equal("any", aliases.Resolve("claude.haiku")); // a dot is a dot, not a regex wildcard
        Assert.Null(new ModelAliases([]).Resolve("claude-opus-4-1"));
    }
}
