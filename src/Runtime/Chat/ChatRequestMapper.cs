using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;
using Microsoft.Extensions.AI;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatMessage = Dynamo.Abstractions.Requests.ChatMessage;

namespace Dynamo.Runtime.Chat;

/// <summary>Microsoft.Extensions.AI's chat types to and from the runtime's records.</summary>
internal static class ChatRequestMapper
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The extra request fields <see cref="ChatOptions.AdditionalProperties"/> may carry, as OpenAI-compatible servers name them.</summary>
    public static readonly string[] AdditionalKeys = ["nvext", "chat_template_kwargs", "min_p", "repetition_penalty", "ignore_eos"];

    public static ChatRequest ToRequest(string model, IEnumerable<AiChatMessage> messages, ChatOptions? options, Pipeline.ReasoningEfforts efforts)
    {
        var converted = new List<ChatMessage>();
        if (options?.Instructions is { Length: > 0 } instructions)
            converted.Add(new ChatMessage("system", instructions));
        foreach (var message in messages)
            converted.AddRange(ToMessages(message, converted.Count));
        var extra = options?.AdditionalProperties;
        if (extra?.Keys.FirstOrDefault(k => !AdditionalKeys.Contains(k)) is { } unknown)
            throw DynamoRequestException.BadRequest(
                $"ChatOptions.AdditionalProperties['{unknown}'] is not a field this server reads; known: {string.Join(", ", AdditionalKeys)}.", unknown);
        // What a hosted service would keep between calls, the runtime in process does not: the caller sends the whole conversation.
        if (options?.ConversationId is not null)
            throw DynamoRequestException.BadRequest("ChatOptions.ConversationId is not supported: send the whole conversation each call.", "ConversationId");
        if (options?.ContinuationToken is not null || options?.AllowBackgroundResponses == true)
            throw DynamoRequestException.BadRequest("Background responses are not supported: every call runs to its end.", "AllowBackgroundResponses");
        if (options?.RawRepresentationFactory is not null)
            throw DynamoRequestException.BadRequest("ChatOptions.RawRepresentationFactory has no meaning here: there is no provider request to build.", "RawRepresentationFactory");
        var nvext = Extra<Nvext>(extra, "nvext");
        var request = new ChatRequest(model, converted)
        {
            Tools = [.. (options?.Tools ?? []).Select(ToTool)],
            ToolChoice = options?.ToolMode switch
            {
                null => null,
                NoneChatToolMode => ToolChoice.None,
                RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.ForFunction(name),
                RequiredChatToolMode => ToolChoice.Required,
                _ => ToolChoice.Auto,
            },
            Sampling = Sampling.From(options?.Temperature, options?.TopP, options?.TopK, options?.Seed,
                Extra<float?>(extra, "min_p"), Extra<float?>(extra, "repetition_penalty"), options?.PresencePenalty, options?.FrequencyPenalty),
            MaxTokens = options?.MaxOutputTokens,
            Stop = [.. options?.StopSequences ?? []],
            IgnoreEos = Extra<bool?>(extra, "ignore_eos") ?? false,
            Metadata = Nvext.Metadata(nvext),
            MaxThinkingTokens = nvext?.MaxThinkingTokens,
            ChatTemplateKwargs = Extra<Dictionary<string, JsonElement>>(extra, "chat_template_kwargs"),
            ParallelToolCalls = options?.AllowMultipleToolCalls ?? true,
            Decoding = new DecodingOptions
            {
                // JSON with a schema, or any JSON object: what ChatResponseFormat.Json and ForJsonSchema ask.
                Structured = options?.ResponseFormat switch
                {
                    ChatResponseFormatJson { Schema: { } schema } => new Abstractions.Constraints.JsonSchemaGrammar(schema),
                    ChatResponseFormatJson => Abstractions.Constraints.JsonSchemaGrammar.AnyObject,
                    _ => null,
                },
                StructuredField = "ResponseFormat",
                CloseOnBudget = nvext?.CloseOnBudget ?? false,
            },
        };
        return efforts.Apply(request, options?.Reasoning?.Effort switch
        {
            null => null,
            ReasoningEffort.None => "none",
            ReasoningEffort.Low => "low",
            ReasoningEffort.Medium => "medium",
            ReasoningEffort.High => "high",
            _ => "xhigh",
        }, "Reasoning.Effort");
    }

    /// <summary>One M.E.AI message as chat messages: a tool message per function result, the rest as one message.</summary>
    private static IEnumerable<ChatMessage> ToMessages(AiChatMessage message, int index)
    {
        var at = $"messages[{index}]";
        var role = message.Role.Value;
        if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
            throw DynamoRequestException.BadRequest($"'{at}.role' must be system, developer, user, assistant or tool; got '{role}'.", $"{at}.role");
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        foreach (var result in results)
            yield return new ChatMessage("tool", ResultText(result.Result), ToolCallId: result.CallId);
        var other = message.Contents.Where(c => c is not FunctionResultContent).ToList();
        if (other.FirstOrDefault(c => c is not (TextContent or TextReasoningContent or FunctionCallContent)) is { } unsupported)
            throw DynamoRequestException.BadRequest($"'{at}': only text, reasoning and function calls are supported, got {unsupported.GetType().Name}.", $"{at}.content");
        var text = string.Concat(other.OfType<TextContent>().Select(t => t.Text));
        var calls = other.OfType<FunctionCallContent>()
            .Select(c => new ToolCall(c.CallId, c.Name, JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>()))).ToList();
        var reasoning = string.Concat(other.OfType<TextReasoningContent>().Select(r => r.Text));
        if (results.Count > 0 && other.Count == 0)
            yield break;
        if (text.Length == 0 && calls.Count == 0 && role != "assistant")
            throw DynamoRequestException.BadRequest($"'{at}' has no text.", $"{at}.content");
        yield return new ChatMessage(role, text.Length > 0 || calls.Count == 0 ? text : null, ToolCalls: calls.Count > 0 ? calls : null,
            Name: message.AuthorName, ReasoningContent: reasoning.Length > 0 ? reasoning : null);
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
        _ => JsonSerializer.Serialize(result),
    };

    private static ToolDefinition ToTool(AITool tool, int index) => tool is AIFunctionDeclaration function
        ? new ToolDefinition(function.Name, function.Description, function.JsonSchema)
        : throw DynamoRequestException.BadRequest($"'tools[{index}]': only functions are supported, got {tool.GetType().Name}.", $"tools[{index}]");

    /// <summary>An extra field, given either as the type itself or as anything JSON can carry into it.</summary>
    private static T? Extra<T>(AdditionalPropertiesDictionary? extra, string key)
    {
        if (extra is null || !extra.TryGetValue(key, out var value) || value is null)
            return default;
        if (value is T typed)
            return typed;
        try
        {
            var json = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, SnakeCase);
            return json.Deserialize<T>(SnakeCase);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw DynamoRequestException.BadRequest($"ChatOptions.AdditionalProperties['{key}'] is not a valid {key}: {ex.Message}", key);
        }
    }

    public static FunctionCallContent ToFunctionCall(string id, string name, string argumentsJson) =>
        FunctionCallContent.CreateFromParsedArguments(argumentsJson, id, name,
            static json => JsonSerializer.Deserialize<Dictionary<string, object?>>(json));

    public static ChatFinishReason ToFinishReason(FinishReason finish) => finish switch
    {
        FinishReason.Length => ChatFinishReason.Length,
        FinishReason.ToolCalls => ChatFinishReason.ToolCalls,
        _ => ChatFinishReason.Stop,
    };

    public static UsageDetails ToUsage(EngineUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.PromptTokens + usage.CompletionTokens,
        CachedInputTokenCount = usage.CachedTokens,
    };
}
