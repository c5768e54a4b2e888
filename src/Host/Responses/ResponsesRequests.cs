using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Http;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Responses;

/// <summary>
/// A Responses API body as the runtime's <see cref="ChatRequest"/>: input items (messages, function and
/// custom tool calls and their outputs, reasoning), tools (function, namespace, custom; hosted ones left
/// out and named back), and the rest of the request's settings.
/// </summary>
internal static class ResponsesRequests
{
    /// <summary>Hosted tools run on OpenAI's side; Codex always sends some, so they are left out, not refused.</summary>
    private static readonly HashSet<string> Hosted = ["web_search", "web_search_preview", "web_search_preview_2025_03_11", "file_search", "code_interpreter",
        "image_generation", "computer_use_preview", "mcp", "local_shell"];

    private static readonly JsonElement CustomToolSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"input":{"type":"string","description":"The tool's input, as free text."}},"required":["input"]}""").RootElement;

    public sealed record Converted(ChatRequest Request, IReadOnlyList<ChatMessage> Conversation, ToolNames Names, IReadOnlyList<string> IgnoredTools);

    /// <param name="previous">The conversation so far, from <c>previous_response_id</c>.</param>
    public static Converted ToChat(ResponsesRequest body, IReadOnlyList<ChatMessage> previous, ReasoningEfforts efforts)
    {
        if (string.IsNullOrEmpty(body.Model))
            throw DynamoRequestException.BadRequest("'model' is required.", "model");
        if (body.Background == true)
            throw DynamoRequestException.BadRequest("'background': true is not supported: responses run while the request is open.", "background");
        if (body.Conversation is { ValueKind: not JsonValueKind.Null })
            throw DynamoRequestException.BadRequest("'conversation' is not supported: continue with 'previous_response_id' or send the items.", "conversation");
        if (body.Prompt is { ValueKind: not JsonValueKind.Null })
            throw DynamoRequestException.BadRequest("'prompt' (a stored prompt template) is not supported: send 'instructions' and 'input'.", "prompt");
        if (body.Truncation is not (null or "disabled"))
            throw DynamoRequestException.BadRequest($"'truncation' must be \"disabled\": prompts are never cut here; got \"{body.Truncation}\".", "truncation");
        for (var i = 0; i < (body.Include?.Count ?? 0); i++)
            if (body.Include![i] is not ("reasoning.encrypted_content" or "message.output_text.logprobs"))
                throw DynamoRequestException.BadRequest($"'include[{i}]' \"{body.Include[i]}\" is not supported; only \"reasoning.encrypted_content\" and \"message.output_text.logprobs\" are.", $"include[{i}]");

        var names = new ToolNames();
        var (tools, ignored) = Tools(body.Tools, names);
        var conversation = new List<ChatMessage>(previous);
        conversation.AddRange(Input(body.Input, names));
        if (conversation.Count == 0)
            throw DynamoRequestException.BadRequest("'input' is required.", "input");
        List<ChatMessage> messages = body.Instructions is { Length: > 0 } instructions ? [new ChatMessage("system", instructions), .. conversation] : conversation;
        var request = new ChatRequest(body.Model, messages)
        {
            Tools = tools,
            ToolChoice = Choice(body.ToolChoice, tools.Count),
            ParallelToolCalls = body.ParallelToolCalls ?? true,
            Decoding = new DecodingOptions
            {
                Structured = Format(body.Text?.Format),
                StructuredField = "text.format",
                CloseOnBudget = body.Nvext?.CloseOnBudget ?? false,
                Logprobs = body.TopLogprobs is { } top ? new Abstractions.Engines.LogprobsRequest(top, body.Nvext?.ProcessedLogprobs ?? false) : null,
            },
            Sampling = Sampling.From(body.Temperature, body.TopP),
            MaxTokens = body.MaxOutputTokens,
            MaxTokensField = "max_output_tokens",
            Metadata = Nvext.Metadata(body.Nvext),
            MaxThinkingTokens = body.Nvext?.MaxThinkingTokens,
        };
        return new Converted(efforts.Apply(request, body.Reasoning?.Effort, "reasoning.effort"), conversation, names, ignored);
    }

    private static (IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<string> Ignored) Tools(List<JsonElement>? tools, ToolNames names)
    {
        var result = new List<ToolDefinition>();
        var ignored = new List<string>();
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            var at = $"tools[{i}]";
            switch (JsonFields.Type(tool, at))
            {
                case "function":
                    result.Add(Function(tool, at, name => name));
                    break;
                case "namespace":
                    var ns = JsonFields.String(tool, "name", at, required: true)!;
                    if (!tool.TryGetProperty("tools", out var inner) || inner.ValueKind != JsonValueKind.Array)
                        throw DynamoRequestException.BadRequest($"'{at}.tools' must be an array of function tools.", $"{at}.tools");
                    var j = 0;
                    foreach (var function in inner.EnumerateArray())
                    {
                        var innerAt = $"{at}.tools[{j++}]";
                        if (JsonFields.Type(function, innerAt) != "function")
                            throw DynamoRequestException.BadRequest($"'{innerAt}.type' must be \"function\".", $"{innerAt}.type");
                        result.Add(Function(function, innerAt, name => names.AddNamespaced(ns, name)));
                    }
                    break;
                case "custom":
                    var custom = JsonFields.String(tool, "name", at, required: true)!;
                    names.AddCustom(custom);
                    result.Add(new ToolDefinition(custom, JsonFields.String(tool, "description", at, required: false), CustomToolSchema));
                    break;
                case var hosted when Hosted.Contains(hosted) || hosted.StartsWith("web_search", StringComparison.Ordinal):
                    ignored.Add(hosted);
                    break;
                case var other:
                    throw DynamoRequestException.BadRequest($"'{at}.type' \"{other}\" is not a tool this server reads (function, namespace, custom; hosted tools are left out).", $"{at}.type");
            }
        }
        return (result, ignored);
    }

    private static ToolDefinition Function(JsonElement tool, string at, Func<string, string> name)
    {
        var parameters = tool.TryGetProperty("parameters", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema.Clone() : (JsonElement?)null;
        return new ToolDefinition(name(JsonFields.String(tool, "name", at, required: true)!), JsonFields.String(tool, "description", at, required: false), parameters,
            tool.TryGetProperty("strict", out var strict) && strict.ValueKind == JsonValueKind.True);
    }

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c>, or a named function or custom tool (<c>{"type": "function", "name"}</c>, namespaced names as given).</summary>
    private static ToolChoice? Choice(JsonElement? choice, int tools)
    {
        if (choice is not { } value || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() switch
            {
                "auto" => tools > 0 ? ToolChoice.Auto : null,
                "none" => tools > 0 ? ToolChoice.None : null,
                "required" => tools > 0 ? ToolChoice.Required : throw DynamoRequestException.BadRequest("'tool_choice' \"required\" needs 'tools'.", "tool_choice"),
                var other => throw DynamoRequestException.BadRequest($"'tool_choice' must be \"auto\", \"none\" or \"required\"; got \"{other}\".", "tool_choice"),
            };
        var type = JsonFields.Type(value, "tool_choice");
        if (type is not ("function" or "custom"))
            throw DynamoRequestException.BadRequest($"'tool_choice.type' \"{type}\" cannot be chosen here (function and custom tools can).", "tool_choice.type");
        var name = JsonFields.String(value, "name", "tool_choice", required: true)!;
        return ToolChoice.ForFunction(ToolNames.Flat(JsonFields.String(value, "namespace", "tool_choice", required: false), name));
    }

    /// <summary><c>text.format</c>: <c>text</c>, <c>json_object</c>, or <c>json_schema</c> with its <c>schema</c> (strict or not, it is followed).</summary>
    private static Abstractions.Constraints.GrammarSpec? Format(JsonElement? format)
    {
        const string at = "text.format";
        if (format is not { } f || f.ValueKind == JsonValueKind.Null)
            return null;
        return JsonFields.Type(f, at) switch
        {
            "text" => null,
            "json_object" => Abstractions.Constraints.JsonSchemaGrammar.AnyObject,
            "json_schema" => f.TryGetProperty("schema", out var schema) ? OpenAi.StructuredOutputs.Schema(schema, $"{at}.schema")
                : throw DynamoRequestException.BadRequest($"'{at}.schema' is required.", $"{at}.schema"),
            var other => throw DynamoRequestException.BadRequest($"'{at}.type' must be text, json_object or json_schema; got \"{other}\".", $"{at}.type"),
        };
    }

    /// <summary>The input items as chat messages, in order. Consecutive calls (and the text before them) make one assistant turn.</summary>
    private static List<ChatMessage> Input(JsonElement? input, ToolNames names)
    {
        // Chat messages, and assistant turns still being gathered.
        var messages = new List<object>();
        if (input is not { } value || value.ValueKind == JsonValueKind.Null)
            return [];
        if (value.ValueKind == JsonValueKind.String)
            return [new ChatMessage("user", value.GetString())];
        if (value.ValueKind != JsonValueKind.Array)
            throw DynamoRequestException.BadRequest("'input' must be a string or an array of items.", "input");

        string? reasoning = null;
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = $"input[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw DynamoRequestException.BadRequest($"'{at}' must be an object.", at);
            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "message";
            switch (type)
            {
                case "message":
                    var role = JsonFields.String(item, "role", at, required: true)!;
                    if (role is not ("user" or "system" or "developer" or "assistant"))
                        throw DynamoRequestException.BadRequest($"'{at}.role' must be user, assistant, system or developer; got \"{role}\".", $"{at}.role");
                    var text = TextOf(item, "content", at, separator: "");
                    if (role == "assistant")
                        Assistant(messages, ref reasoning).Text.Append(text);
                    else
                        messages.Add(new ChatMessage(role, text));
                    break;
                case "function_call":
                    var name = ToolNames.Flat(JsonFields.String(item, "namespace", at, required: false), JsonFields.String(item, "name", at, required: true)!);
                    Assistant(messages, ref reasoning).Calls.Add(new ToolCall(JsonFields.String(item, "call_id", at, required: true)!, name, JsonFields.String(item, "arguments", at, required: true)!));
                    break;
                case "custom_tool_call":
                    var customInput = new JsonObject { ["input"] = JsonFields.String(item, "input", at, required: true) }.ToJsonString();
                    Assistant(messages, ref reasoning).Calls.Add(new ToolCall(JsonFields.String(item, "call_id", at, required: true)!, JsonFields.String(item, "name", at, required: true)!, customInput));
                    break;
                case "function_call_output" or "custom_tool_call_output":
                    messages.Add(new ChatMessage("tool", TextOf(item, "output", at, separator: "\n"), ToolCallId: JsonFields.String(item, "call_id", at, required: true)));
                    break;
                case "reasoning":
                    reasoning = Reasoning(item, at);
                    break;
                default:
                    throw DynamoRequestException.BadRequest($"'{at}.type' \"{type}\" is not an input item this server reads (message, function_call, function_call_output, " +
                        "custom_tool_call, custom_tool_call_output, reasoning).", $"{at}.type");
            }
        }
        return [.. messages.Select(m => m as ChatMessage ?? ((AssistantTurn)m).ToMessage())];
    }

    /// <summary>The assistant turn being built (the last message, if it is one), carrying any reasoning given before it.</summary>
    private static AssistantTurn Assistant(List<object> messages, ref string? reasoning)
    {
        if (messages.Count == 0 || messages[^1] is not AssistantTurn turn)
            messages.Add(turn = new AssistantTurn());
        if (reasoning is not null)
        {
            turn.Reasoning.Append(reasoning);
            reasoning = null;
        }
        return turn;
    }

    /// <summary>An assistant turn while its items are read: text, calls and reasoning gathered, then made one message.</summary>
    private sealed class AssistantTurn
    {
        public StringBuilder Text { get; } = new();

        public StringBuilder Reasoning { get; } = new();

        public List<ToolCall> Calls { get; } = [];

        public ChatMessage ToMessage() => new("assistant", Text.Length > 0 || Calls.Count == 0 ? Text.ToString() : null,
            ToolCalls: Calls.Count > 0 ? Calls : null, ReasoningContent: Reasoning.Length > 0 ? Reasoning.ToString() : null);
    }

    /// <summary>A message's <c>content</c> or a tool output's <c>output</c>: a string, or text parts (refusals are text too) joined by <paramref name="separator"/>.</summary>
    private static string TextOf(JsonElement item, string field, string at, string separator)
    {
        if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            throw DynamoRequestException.BadRequest($"'{at}.{field}' is required.", $"{at}.{field}");
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString()!;
        if (value.ValueKind != JsonValueKind.Array)
            throw DynamoRequestException.BadRequest($"'{at}.{field}' must be a string or an array of text parts.", $"{at}.{field}");
        return string.Join(separator, value.EnumerateArray().Select((part, j) =>
        {
            var partAt = $"{at}.{field}[{j}]";
            return JsonFields.Type(part, partAt) switch
            {
                "input_text" or "output_text" or "text" => JsonFields.String(part, "text", partAt, required: true),
                "refusal" => JsonFields.String(part, "refusal", partAt, required: true),
                var other => throw DynamoRequestException.BadRequest($"'{partAt}.type' \"{other}\": only text parts are supported (the served models take text only).", $"{partAt}.type"),
            };
        }));
    }

    /// <summary>A reasoning item's text: its encrypted content when it is ours, else its reasoning text or summary.</summary>
    private static string? Reasoning(JsonElement item, string at)
    {
        if (JsonFields.String(item, "encrypted_content", at, required: false) is { } encrypted && ReasoningCipher.Open(encrypted) is { } opened)
            return opened;
        foreach (var field in new[] { "content", "summary" })
            if (item.TryGetProperty(field, out var parts) && parts.ValueKind == JsonValueKind.Array && parts.GetArrayLength() > 0)
                return string.Join("\n", parts.EnumerateArray().Select((part, j) => JsonFields.String(part, "text", $"{at}.{field}[{j}]", required: true)));
        return null;
    }
}
