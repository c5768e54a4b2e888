using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Models;
using Dynamo.Host.OpenAi;

namespace Dynamo.Host.Pipeline;

/// <summary>The first stage: validate, render the chat template, tokenize.</summary>
internal sealed class Preprocessor(ModelRegistry models, ILogger<Preprocessor> logger)
{
    public PreprocessedRequest Chat(ChatCompletionRequest body)
    {
        var (model, sampling, stop, metadata) = Common(body);
        var messages = ChatMessageConverter.Messages(body.Messages);
        var tools = ChatMessageConverter.Tools(body.Tools);
        var parseTools = ChatMessageConverter.WantsToolCalls(body.ToolChoice, tools) && model.ToolCallParser is not null;
        var input = new ChatTemplateInput(
            messages, tools.Count > 0 ? tools : null, AddGenerationPrompt: true,
            model.Tokenizer.BosToken, model.Tokenizer.EosToken, body.ChatTemplateKwargs);
        var prompt = Render(model, input);
        // Templates write BOS themselves, as Hugging Face's apply_chat_template assumes.
        var tokens = model.Tokenizer.Encode(prompt, addSpecialTokens: false);
        var (requested, param) = body.MaxCompletionTokens is { } mct ? (mct, "max_completion_tokens") : (body.MaxTokens, "max_tokens");
        var maxTokens = GenerationOptions.MaxTokens(requested, param, tokens.Length, model.MaxContextLength);
        return Build(body, model, "chatcmpl", tokens, sampling, maxTokens, metadata, stop, tools, parseTools) with
        {
            ForcedFunction = ChatMessageConverter.ForcedFunction(body.ToolChoice),
            Chat = input,
        };
    }

    public PreprocessedRequest Completion(CompletionRequest body)
    {
        var (model, sampling, stop, metadata) = Common(body);
        if (body.Echo == true)
            throw OpenAiException.BadRequest("'echo' is not supported.", "echo");
        var tokens = PromptTokens(body.Prompt, model.Tokenizer);
        var maxTokens = GenerationOptions.MaxTokens(body.MaxTokens, "max_tokens", tokens.Length, model.MaxContextLength);
        if (body.MaxTokens is null)
            maxTokens = Math.Min(16, maxTokens); // OpenAI's legacy default
        return Build(body, model, "cmpl", tokens, sampling, maxTokens, metadata, stop, [], false);
    }

    private (ServedModel, SamplingParams, IReadOnlyList<string>, RequestMetadata) Common(GenerationRequestBody body)
    {
        var model = FindModel(body.Model);
        GenerationOptions.RequireSingleChoice(body.N);
        if (body.StreamOptions is not null && body.Stream != true)
            throw OpenAiException.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");
        return (model, GenerationOptions.Sampling(body),
            GenerationOptions.StopStrings(body.Stop), GenerationOptions.Metadata(body.Nvext));
    }

    private ServedModel FindModel(string? name)
    {
        if (string.IsNullOrEmpty(name))
            throw OpenAiException.BadRequest("'model' is required.", "model");
        return models.Find(name) ?? throw OpenAiException.ModelNotFound(name);
    }

    private string Render(ServedModel model, ChatTemplateInput input)
    {
        try
        {
            return model.ChatTemplate.Render(input);
        }
        catch (ChatTemplateException ex)
        {
            throw OpenAiException.BadRequest($"The chat template rejected this request: {ex.Message}", "messages");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Chat template of model {Model} failed", model.Name);
            throw OpenAiException.Internal($"The chat template of model '{model.Name}' failed: {ex.Message}");
        }
    }

    private static int[] PromptTokens(JsonElement? prompt, ITokenizer tokenizer)
    {
        const string param = "prompt";
        if (prompt is not { } p || p.ValueKind == JsonValueKind.Null)
            throw OpenAiException.BadRequest("'prompt' is required.", param);
        if (p.ValueKind == JsonValueKind.String)
            return tokenizer.Encode(p.GetString()!, addSpecialTokens: true);
        if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0 && p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
        {
            var ids = p.EnumerateArray().Select(e => e.TryGetInt32(out var id) ? id : -1).ToArray();
            if (ids.Any(id => id < 0 || id >= tokenizer.VocabSize))
                throw OpenAiException.BadRequest($"'prompt' token ids must be between 0 and {tokenizer.VocabSize - 1}.", param);
            return ids;
        }
        if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 1 && p[0].ValueKind == JsonValueKind.String)
            return tokenizer.Encode(p[0].GetString()!, addSpecialTokens: true);
        throw OpenAiException.BadRequest("'prompt' must be a string, an array of one string, or an array of token ids (batches are not supported yet).", param);
    }

    private static PreprocessedRequest Build(GenerationRequestBody body, ServedModel model, string idPrefix, int[] tokens,
        SamplingParams sampling, int maxTokens, RequestMetadata metadata, IReadOnlyList<string> stop,
        IReadOnlyList<ToolDefinition> tools, bool parseTools)
    {
        if (tokens.Length == 0)
            throw OpenAiException.BadRequest("The prompt is empty after tokenization.", "messages");
        var engine = new EngineRequest(GenerationOptions.NewId(idPrefix), tokens, sampling,
            new StopConditions(maxTokens, model.Tokenizer.EosTokenIds, body.IgnoreEos ?? false), metadata);
        return new PreprocessedRequest(model, engine, body.Stream ?? false, body.StreamOptions?.IncludeUsage ?? false, stop, tools, parseTools);
    }
}
