using System.Text.Json;
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
        var (model, input, tokens) = Render(request);
        var parseTools = WantsToolCalls(request.ToolChoice, request.Tools) && model.ToolCallParser is not null;
        var requested = request.FitMaxTokens && request.MaxTokens is { } asked ? Math.Min(asked, Math.Max(model.MaxContextLength - tokens.Length, 1)) : request.MaxTokens;
        var maxTokens = RequestLimits.MaxTokens(requested, request.MaxTokensField, tokens.Length, model.MaxContextLength);
        var prepared = Build(model, "chatcmpl", tokens, request.Sampling, maxTokens, request.Metadata, request.Stop, request.IgnoreEos, request.Tools, parseTools);
        var engine = DecodingSetup.Apply(prepared.Engine, model, request.Decoding, DecodingSetup.ToolGrammar(model, request));
        return prepared with
        {
            Engine = engine with { Reasoning = Budget(model, request, constrained: engine.Constraint is not null) },
            Choices = request.Decoding.N,
            ForcedFunction = request.ToolChoice is { Mode: ToolChoiceMode.Function } choice ? choice.Function : null,
            Chat = input,
        };
    }

    /// <summary>The prompt's tokens, as <see cref="Chat"/> would make them (tokenize and count_tokens endpoints).</summary>
    public (ServedModel Model, int[] Tokens) Tokenize(ChatRequest request)
    {
        var (model, _, tokens) = Render(request);
        return (model, tokens);
    }

    /// <summary>Finds the model, renders its chat template and tokenizes the result.</summary>
    private (ServedModel Model, ChatTemplateInput Input, int[] Tokens) Render(ChatRequest request)
    {
        var model = FindModel(request.Model);
        if (request.Messages.Count == 0)
            throw DynamoRequestException.BadRequest("'messages' must be a non-empty array.", "messages");
        var input = new ChatTemplateInput(
            request.Messages, request.Tools.Count > 0 ? request.Tools : null, AddGenerationPrompt: true,
            model.Tokenizer.BosToken, model.Tokenizer.EosToken, Kwargs(request));
        // Templates write BOS themselves, as Hugging Face's apply_chat_template assumes.
        return (model, input, model.Tokenizer.Encode(Render(model, input), addSpecialTokens: false));
    }

    /// <summary>The template's variables: the request's kwargs, plus the thinking switches unless it set them.</summary>
    private static IReadOnlyDictionary<string, JsonElement>? Kwargs(ChatRequest request)
    {
        if (request.Thinking is not { } thinking)
            return request.ChatTemplateKwargs;
        var kwargs = new Dictionary<string, JsonElement>(request.ChatTemplateKwargs ?? new Dictionary<string, JsonElement>());
        var value = JsonSerializer.SerializeToElement(thinking);
        kwargs.TryAdd("enable_thinking", value);
        kwargs.TryAdd("thinking", value);
        return kwargs;
    }

    /// <summary>
    /// The reasoning markers in the model's own tokens, with the request's cap on reasoning: what the engine tracks
    /// to end reasoning on budget, and to start a grammar only where reasoning ends. None when there is nothing to track.
    /// </summary>
    /// <param name="constrained">The answer follows a grammar, which waits for reasoning to end.</param>
    private static ReasoningBudget? Budget(ServedModel model, ChatRequest request, bool constrained)
    {
        if (request.MaxThinkingTokens is < 1)
            throw DynamoRequestException.BadRequest($"'{request.MaxThinkingTokensField}' must be at least 1, got {request.MaxThinkingTokens}.", request.MaxThinkingTokensField);
        var max = request.MaxThinkingTokens ?? (constrained ? int.MaxValue : (int?)null);
        if (max is null || request.Thinking == false || model.ReasoningMarkers is not { } markers)
            return null;
        return new ReasoningBudget(max.Value, markers.Start, markers.End, markers.StartsInReasoning);
    }

    public PreparedRequest Completion(CompletionRequest request)
    {
        var model = FindModel(request.Model);
        var tokens = PromptTokens(request, model.Tokenizer);
        var maxTokens = RequestLimits.MaxTokens(request.MaxTokens, "max_tokens", tokens.Length, model.MaxContextLength);
        if (request.MaxTokens is null && request.DefaultMaxTokens is { } fallback)
            maxTokens = Math.Min(fallback, maxTokens);
        var prepared = Build(model, "cmpl", tokens, request.Sampling, maxTokens, request.Metadata, request.Stop, request.IgnoreEos, [], false);
        return prepared with { Engine = DecodingSetup.Apply(prepared.Engine, model, request.Decoding, tools: null), Choices = request.Decoding.N };
    }

    public ServedModel FindModel(string? name)
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
            ToolChoiceMode.Required => true,
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
        // Before any response starts, so a shed request gets its 529 as a status, not a stream event.
        model.ThrowIfOverloaded();
        var engine = new EngineRequest(RequestLimits.NewId(idPrefix), tokens, sampling,
            new StopConditions(maxTokens, model.Tokenizer.EosTokenIds, ignoreEos), metadata);
        return new PreparedRequest(model, engine, RequestLimits.Stop(stop), tools, parseTools);
    }
}
