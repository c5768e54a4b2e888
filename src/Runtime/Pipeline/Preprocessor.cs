using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Pipeline;

/// <summary>The first stage: validate, render the chat template, tokenize.</summary>
internal sealed class Preprocessor(ModelRegistry models, ILogger<Preprocessor> logger)
{
    public PreparedRequest Chat(ChatRequest request)
    {
        var model = FindModel(request.Model);
        if (request.Messages.Count == 0)
            throw DynamoRequestException.BadRequest("'messages' must be a non-empty array.", "messages");
        var parseTools = WantsToolCalls(request.ToolChoice, request.Tools) && model.ToolCallParser is not null;
        var input = new ChatTemplateInput(
            request.Messages, request.Tools.Count > 0 ? request.Tools : null, AddGenerationPrompt: true,
            model.Tokenizer.BosToken, model.Tokenizer.EosToken, request.ChatTemplateKwargs);
        var prompt = Render(model, input);
        // Templates write BOS themselves, as Hugging Face's apply_chat_template assumes.
        var tokens = model.Tokenizer.Encode(prompt, addSpecialTokens: false);
        var maxTokens = RequestLimits.MaxTokens(request.MaxTokens, request.MaxTokensField, tokens.Length, model.MaxContextLength);
        return Build(model, "chatcmpl", tokens, request.Sampling, maxTokens, request.Metadata, request.Stop, request.IgnoreEos, request.Tools, parseTools) with
        {
            ForcedFunction = request.ToolChoice is { Mode: ToolChoiceMode.Function } choice ? choice.Function : null,
            Chat = input,
        };
    }

    public PreparedRequest Completion(CompletionRequest request)
    {
        var model = FindModel(request.Model);
        var tokens = PromptTokens(request, model.Tokenizer);
        var maxTokens = RequestLimits.MaxTokens(request.MaxTokens, "max_tokens", tokens.Length, model.MaxContextLength);
        if (request.MaxTokens is null && request.DefaultMaxTokens is { } fallback)
            maxTokens = Math.Min(fallback, maxTokens);
        return Build(model, "cmpl", tokens, request.Sampling, maxTokens, request.Metadata, request.Stop, request.IgnoreEos, [], false);
    }

    private ServedModel FindModel(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw DynamoRequestException.BadRequest("'model' is required.", "model");
        return models.Find(name) ?? throw DynamoRequestException.ModelNotFound(name);
    }

    /// <summary>Whether tool calls should be parsed out of the output, per the tool choice.</summary>
    private static bool WantsToolCalls(ToolChoice? choice, IReadOnlyList<ToolDefinition> tools)
    {
        if (choice is null)
            return tools.Count > 0;
        if (tools.Count == 0)
            throw DynamoRequestException.BadRequest("'tool_choice' is only allowed when 'tools' are given.", "tool_choice");
        return choice.Mode switch
        {
            ToolChoiceMode.None => false,
            ToolChoiceMode.Auto => true,
            // A call cannot be guaranteed until constrained decoding exists; refusing beats a silent plain answer.
            ToolChoiceMode.Required => throw DynamoRequestException.BadRequest(
                "'tool_choice' \"required\" is not supported yet (it needs constrained decoding); use \"auto\" or name a function.", "tool_choice"),
            _ when tools.All(t => t.Name != choice.Function) =>
                throw DynamoRequestException.BadRequest($"'tool_choice' names function '{choice.Function}', which is not in 'tools'.", "tool_choice"),
            _ => true,
        };
    }

    private string Render(ServedModel model, ChatTemplateInput input)
    {
        try
        {
            return model.ChatTemplate.Render(input);
        }
        catch (ChatTemplateException ex)
        {
            throw DynamoRequestException.BadRequest($"The chat template rejected this request: {ex.Message}", "messages");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Chat template of model {Model} failed", model.Name);
            throw DynamoRequestException.Internal($"The chat template of model '{model.Name}' failed: {ex.Message}", ex);
        }
    }

    private static int[] PromptTokens(CompletionRequest request, ITokenizer tokenizer)
    {
        if (request.PromptTokenIds is { } ids)
        {
            if (ids.Count == 0)
                throw DynamoRequestException.BadRequest("'prompt' must not be empty.", "prompt");
            if (ids.Any(id => id < 0 || id >= tokenizer.VocabSize))
                throw DynamoRequestException.BadRequest($"'prompt' token ids must be between 0 and {tokenizer.VocabSize - 1}.", "prompt");
            return [.. ids];
        }
        return request.Prompt is { } text
            ? tokenizer.Encode(text, addSpecialTokens: true)
            : throw DynamoRequestException.BadRequest("'prompt' is required.", "prompt");
    }

    private static PreparedRequest Build(ServedModel model, string idPrefix, int[] tokens, SamplingParams sampling, int maxTokens,
        RequestMetadata metadata, IReadOnlyList<string> stop, bool ignoreEos, IReadOnlyList<ToolDefinition> tools, bool parseTools)
    {
        if (tokens.Length == 0)
            throw DynamoRequestException.BadRequest("The prompt is empty after tokenization.", "messages");
        var engine = new EngineRequest(RequestLimits.NewId(idPrefix), tokens, sampling,
            new StopConditions(maxTokens, model.Tokenizer.EosTokenIds, ignoreEos), metadata);
        return new PreparedRequest(model, engine, RequestLimits.Stop(stop), tools, parseTools);
    }
}
