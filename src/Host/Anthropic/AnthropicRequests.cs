using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Http;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Anthropic;

/// <summary>
/// A Messages API body as the runtime's <see cref="ChatRequest"/>: system text and blocks, every
/// content block kind (refusing the ones no served model takes), tools, thinking and effort.
/// </summary>
internal static class AnthropicRequests
{
    /// <summary>Claude Code's per-request billing line: it changes every request, so left in it would defeat prefix caching.</summary>
    public const string BillingHeaderPrefix = "x-anthropic-billing-header:";

    /// <param name="requireMaxTokens">The Messages API requires it; count_tokens does not.</param>
    /// <param name="ignoredTools">Server tools (web search, code execution…) this server cannot run: left out, and named back to the client.</param>
    public static ChatRequest ToChat(MessagesRequest body, AnthropicOptions options, ReasoningEfforts efforts, bool requireMaxTokens, out IReadOnlyList<string> ignoredTools)
    {
        if (string.IsNullOrEmpty(body.Model))
            throw DynamoRequestException.BadRequest("'model' is required.", "model");
        if (requireMaxTokens && body.MaxTokens is null)
            throw DynamoRequestException.BadRequest("'max_tokens' is required.", "max_tokens");
        if (body.MaxTokens is < 1)
            throw DynamoRequestException.BadRequest($"'max_tokens' must be at least 1, got {body.MaxTokens}.", "max_tokens");
        if (body.Container is { ValueKind: not JsonValueKind.Null })
            throw DynamoRequestException.BadRequest("'container' is not supported: code execution containers run on Anthropic's side.", "container");
        if (body.McpServers is { ValueKind: not JsonValueKind.Null })
            throw DynamoRequestException.BadRequest("'mcp_servers' is not supported: connect MCP servers in the harness.", "mcp_servers");

        var messages = new List<ChatMessage>();
        if (System(body.System, options) is { Length: > 0 } system)
            messages.Add(new ChatMessage("system", system));
        if (body.Messages is null or { Count: 0 })
            throw DynamoRequestException.BadRequest("'messages' must be a non-empty array.", "messages");
        for (var i = 0; i < body.Messages.Count; i++)
            messages.AddRange(Message(body.Messages[i], $"messages[{i}]", options));

        var (tools, ignored) = Tools(body.Tools);
        ignoredTools = ignored;
        var request = new ChatRequest(body.Model, messages)
        {
            Tools = tools,
            ToolChoice = Choice(body.ToolChoice, tools.Count),
            ParallelToolCalls = body.ToolChoice?.DisableParallelToolUse != true,
            Decoding = new DecodingOptions
            {
                Structured = Format(body.OutputConfig?.Format),
                StructuredField = "output_config.format",
                CloseOnBudget = body.Nvext?.CloseOnBudget ?? false,
            },
            Sampling = Sampling.From(body.Temperature, body.TopP, body.TopK),
            MaxTokens = body.MaxTokens,
            FitMaxTokens = true,
            Stop = body.StopSequences ?? [],
            Metadata = Nvext.Metadata(body.Nvext),
            MaxThinkingTokens = body.Nvext?.MaxThinkingTokens,
        };
        request = Thinking(request, body.Thinking);
        return body.Thinking?.BudgetTokens is null ? efforts.Apply(request, body.OutputConfig?.Effort, "output_config.effort") : request;
    }

    private static ChatRequest Thinking(ChatRequest request, AnthropicThinking? thinking) => thinking?.Type switch
    {
        null when thinking is null => request,
        "disabled" => request with { Thinking = false },
        "adaptive" => request with { Thinking = true },
        "enabled" when thinking!.BudgetTokens is { } budget => budget >= 1
            ? request with { Thinking = true, MaxThinkingTokens = budget, MaxThinkingTokensField = "thinking.budget_tokens" }
            : throw DynamoRequestException.BadRequest($"'thinking.budget_tokens' must be at least 1, got {budget}.", "thinking.budget_tokens"),
        "enabled" => throw DynamoRequestException.BadRequest("'thinking.budget_tokens' is required when thinking is enabled.", "thinking.budget_tokens"),
        var other => throw DynamoRequestException.BadRequest($"'thinking.type' must be \"enabled\", \"adaptive\" or \"disabled\"; got {(other is null ? "nothing" : $"\"{other}\"")}.", "thinking.type"),
    };

    /// <summary>The system prompt: a string, or text blocks (joined by newlines), less any billing line.</summary>
    private static string? System(JsonElement? system, AnthropicOptions options)
    {
        if (system is not { } value || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return Clean(value.GetString()!, options);
        if (value.ValueKind != JsonValueKind.Array)
            throw DynamoRequestException.BadRequest("'system' must be a string or an array of text blocks.", "system");
        var texts = new List<string>();
        var i = 0;
        foreach (var block in value.EnumerateArray())
        {
            var at = $"system[{i++}]";
            if (JsonFields.Type(block, at) != "text")
                throw DynamoRequestException.BadRequest($"'{at}.type' must be \"text\".", $"{at}.type");
            if (Clean(JsonFields.String(block, "text", at, required: true)!, options) is { Length: > 0 } text)
                texts.Add(text);
        }
        return string.Join("\n", texts);
    }

    /// <summary>Text without Claude Code's billing-header lines (<c>Dynamo:Anthropic:StripBillingHeader</c>).</summary>
    public static string Clean(string text, AnthropicOptions options)
    {
        if (!options.StripBillingHeader || !text.Contains(BillingHeaderPrefix, StringComparison.Ordinal))
            return text;
        return string.Join("\n", text.Split('\n').Where(line => !line.TrimStart().StartsWith(BillingHeaderPrefix, StringComparison.Ordinal))).Trim('\n');
    }

    private static IEnumerable<ChatMessage> Message(AnthropicMessage message, string at, AnthropicOptions options)
    {
        var role = message.Role switch
        {
            "user" or "assistant" or "system" => message.Role,
            var other => throw DynamoRequestException.BadRequest($"'{at}.role' must be \"user\" or \"assistant\" (or \"system\"); got {(other is null ? "nothing" : $"\"{other}\"")}.", $"{at}.role"),
        };
        if (message.Content is not { } content || content.ValueKind == JsonValueKind.Null)
            throw DynamoRequestException.BadRequest($"'{at}.content' is required.", $"{at}.content");
        if (content.ValueKind == JsonValueKind.String)
        {
            yield return new ChatMessage(role, role == "system" ? Clean(content.GetString()!, options) : content.GetString());
            yield break;
        }
        if (content.ValueKind != JsonValueKind.Array)
            throw DynamoRequestException.BadRequest($"'{at}.content' must be a string or an array of content blocks.", $"{at}.content");

        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<ToolCall>();
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockAt = $"{at}.content[{i++}]";
            switch (JsonFields.Type(block, blockAt))
            {
                case "text":
                    text.Append(JsonFields.String(block, "text", blockAt, required: true));
                    break;
                case "tool_result" when role == "user":
                    // Each result is a tool message of its own, in the order given; text after them is the user's.
                    yield return new ChatMessage("tool", ToolResult(block, blockAt), ToolCallId: JsonFields.String(block, "tool_use_id", blockAt, required: true));
                    break;
                case "tool_use" when role == "assistant":
                    calls.Add(new ToolCall(JsonFields.String(block, "id", blockAt, required: true)!, JsonFields.String(block, "name", blockAt, required: true)!,
                        block.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object ? input.GetRawText()
                            : throw DynamoRequestException.BadRequest($"'{blockAt}.input' must be an object.", $"{blockAt}.input")));
                    break;
                case "thinking" when role == "assistant":
                    reasoning.Append(JsonFields.String(block, "thinking", blockAt, required: true));
                    break;
                case "redacted_thinking" when role == "assistant":
                    // Only Anthropic can read its redacted reasoning; this server never writes any.
                    break;
                case "image" or "document":
                    throw DynamoRequestException.BadRequest($"'{blockAt}': {JsonFields.Type(block, blockAt)} blocks are not supported: the served models take text only.", $"{blockAt}.type");
                case var type:
                    throw DynamoRequestException.BadRequest($"'{blockAt}.type' \"{type}\" is not a {role} content block this server reads (text, " +
                        (role == "assistant" ? "tool_use, thinking, redacted_thinking" : "tool_result") + ").", $"{blockAt}.type");
            }
        }
        if (text.Length > 0 || calls.Count > 0 || reasoning.Length > 0)
            yield return new ChatMessage(role, text.Length > 0 || calls.Count == 0 ? (role == "system" ? Clean(text.ToString(), options) : text.ToString()) : null,
                ToolCalls: calls.Count > 0 ? calls : null, ReasoningContent: reasoning.Length > 0 ? reasoning.ToString() : null);
    }

    /// <summary>A tool result's text: its string, or its text blocks; an error says so.</summary>
    private static string ToolResult(JsonElement block, string at)
    {
        var text = !block.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null ? ""
            : content.ValueKind == JsonValueKind.String ? content.GetString()!
            : content.ValueKind == JsonValueKind.Array ? string.Join("\n", content.EnumerateArray().Select((part, j) =>
                JsonFields.Type(part, $"{at}.content[{j}]") == "text" ? JsonFields.String(part, "text", $"{at}.content[{j}]", required: true)
                : throw DynamoRequestException.BadRequest($"'{at}.content[{j}]': only text blocks are supported in a tool result.", $"{at}.content[{j}].type")))
            : throw DynamoRequestException.BadRequest($"'{at}.content' must be a string or an array of text blocks.", $"{at}.content");
        var isError = block.TryGetProperty("is_error", out var error) && error.ValueKind == JsonValueKind.True;
        return isError ? $"Error: {text}" : text;
    }

    private static (IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<string> Ignored) Tools(List<JsonElement>? tools)
    {
        var result = new List<ToolDefinition>();
        var ignored = new List<string>();
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            var at = $"tools[{i}]";
            if (tool.ValueKind != JsonValueKind.Object)
                throw DynamoRequestException.BadRequest($"'{at}' must be an object.", at);
            var type = JsonFields.String(tool, "type", at, required: false);
            var name = JsonFields.String(tool, "name", at, required: true)!;
            if (type is not (null or "custom"))
            {
                ignored.Add(name);   // a server tool (web_search_…, code_execution_…): Anthropic runs those, not us
                continue;
            }
            if (!tool.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                throw DynamoRequestException.BadRequest($"'{at}.input_schema' must be an object (a JSON schema).", $"{at}.input_schema");
            result.Add(new ToolDefinition(name, JsonFields.String(tool, "description", at, required: false), schema.Clone(),
                tool.TryGetProperty("strict", out var strict) && strict.ValueKind == JsonValueKind.True));
        }
        return (result, ignored);
    }

    private static ToolChoice? Choice(AnthropicToolChoice? choice, int tools)
    {
        if (choice is null)
            return null;
        if (choice.Type is "any" or "tool" && tools == 0)
            throw DynamoRequestException.BadRequest($"'tool_choice' \"{choice.Type}\" needs 'tools'.", "tool_choice.type");
        return choice.Type switch
        {
            "auto" => tools > 0 ? ToolChoice.Auto : null,
            "none" => tools > 0 ? ToolChoice.None : null,
            "any" => ToolChoice.Required,
            "tool" => ToolChoice.ForFunction(choice.Name is { Length: > 0 } name ? name : throw DynamoRequestException.BadRequest("'tool_choice.name' is required for type \"tool\".", "tool_choice.name")),
            var other => throw DynamoRequestException.BadRequest($"'tool_choice.type' must be \"auto\", \"any\", \"tool\" or \"none\"; got {(other is null ? "nothing" : $"\"{other}\"")}.", "tool_choice.type"),
        };
    }

    /// <summary><c>output_config.format</c>: <c>{"type": "json_schema", "schema": {…}}</c>.</summary>
    private static Abstractions.Constraints.GrammarSpec? Format(JsonElement? format)
    {
        const string at = "output_config.format";
        if (format is not { } f || f.ValueKind == JsonValueKind.Null)
            return null;
        if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw DynamoRequestException.BadRequest($"'{at}' must be an object with a 'type'.", $"{at}.type");
        if (type.GetString() != "json_schema")
            throw DynamoRequestException.BadRequest($"'{at}.type' must be \"json_schema\", got \"{type.GetString()}\".", $"{at}.type");
        return f.TryGetProperty("schema", out var schema) ? OpenAi.StructuredOutputs.Schema(schema, $"{at}.schema")
            : throw DynamoRequestException.BadRequest($"'{at}.schema' is required.", $"{at}.schema");
    }
}
