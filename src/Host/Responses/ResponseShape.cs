using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Responses;

/// <summary>What a response looks like apart from its output: the request's settings echoed, and how its items are made.</summary>
internal sealed class ResponseShape(ResponsesRequest body, PreparedRequest request, ToolNames names, long createdAt)
{
    public string Id { get; } = "resp_" + request.RequestId[(request.RequestId.IndexOf('-') + 1)..];

    /// <summary>Reasoning as a summary (<c>reasoning.summary</c> asked for) or as reasoning text.</summary>
    public bool Summarized { get; } = body.Reasoning?.Summary is { Length: > 0 } || body.Reasoning?.GenerateSummary is { Length: > 0 };

    public bool IncludesEncryptedReasoning { get; } = body.Include?.Contains("reasoning.encrypted_content") == true;

    /// <summary>The request asked for the text's log probabilities (<c>top_logprobs</c>).</summary>
    public bool WantsLogprobs { get; } = body.TopLogprobs is not null;

    private int _items;

    public string NextItemId(string prefix) => $"{prefix}_{Id["resp_".Length..]}{_items++:x2}";

    private static readonly JsonElement AutoToolChoice = JsonSerializer.SerializeToElement("auto", ResponsesJson.Context.String);

    public ResponseObject InProgress() => Object("in_progress", [], null, null);

    public ResponseObject Finished(List<OutputItem> items, FinishReason finish, ResponseUsage usage) => finish == FinishReason.Length
        ? Object("incomplete", items, usage, new IncompleteDetails("max_output_tokens"))
        : Object("completed", items, usage, null);

    private ResponseObject Object(string status, List<OutputItem> output, ResponseUsage? usage, IncompleteDetails? incomplete) => new(
        Id, createdAt, status, request.ModelName, output, usage, incomplete, null, body.Instructions, body.MaxOutputTokens, body.PreviousResponseId,
        new ReasoningOut(body.Reasoning?.Effort, body.Reasoning?.Summary), body.Store ?? true, body.Temperature, body.TopP, body.ParallelToolCalls ?? true,
        body.ToolChoice ?? AutoToolChoice, body.Tools ?? [], body.Metadata ?? [], body.User);

    /// <summary>The output items of a whole answer: reasoning, the message, then each call.</summary>
    public List<OutputItem> Items(string? reasoning, string? content, IReadOnlyList<ToolCall> calls, List<OpenAi.TokenLogprobOut>? logprobs = null)
    {
        var items = new List<OutputItem>();
        if (reasoning is { Length: > 0 })
            items.Add(Reasoning(NextItemId("rs"), reasoning));
        if (content is { Length: > 0 })
            items.Add(Message(NextItemId("msg"), content, "completed", logprobs));
        items.AddRange(calls.Select(call => Call(call.Id, call.Name, call.ArgumentsJson, "completed")));
        return items;
    }

    public OutputItem Reasoning(string id, string text) => new(id, "reasoning",
        Summary: Summarized ? [new OutputContent("summary_text", text)] : [],
        Content: Summarized ? null : [new OutputContent("reasoning_text", text)],
        EncryptedContent: IncludesEncryptedReasoning ? ReasoningCipher.Seal(text) : null);

    /// <param name="logprobs">The text's tokens' log probabilities, when the request asked for them (<c>top_logprobs</c>).</param>
    public static OutputItem Message(string id, string text, string status, List<OpenAi.TokenLogprobOut>? logprobs = null) =>
        new(id, "message", status, "assistant", text.Length > 0 ? [new OutputContent("output_text", text, [], logprobs)] : []);

    /// <summary>A call as the API reports it: a custom tool's call carries its freeform input, a namespaced function is split back.</summary>
    /// <param name="id">The item's id when it has one already (a streamed call closing), else a new one.</param>
    public OutputItem Call(string callId, string modelName, string arguments, string status, string? id = null)
    {
        if (names.IsCustom(modelName))
            return new OutputItem(id ?? NextItemId("ctc"), "custom_tool_call", status, CallId: callId, Name: modelName, Input: CustomInput(arguments));
        var (name, @namespace) = names.Resolve(modelName);
        return new OutputItem(id ?? NextItemId("fc"), "function_call", status, CallId: callId, Name: name, Namespace: @namespace, Arguments: arguments);
    }

    public bool IsCustom(string modelName) => names.IsCustom(modelName);

    /// <summary>A custom tool's input: the model wrote <c>{"input": "…"}</c> (the one argument it was shown); anything else is passed as written.</summary>
    public static string CustomInput(string arguments)
    {
        if (arguments.Length == 0)
            return arguments; // a call just opened: nothing to read yet
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.String)
                return input.GetString()!;
        }
        catch (JsonException)
        {
        }
        return arguments;
    }
}
