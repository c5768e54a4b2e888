using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Models;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Turns a request's <see cref="DecodingOptions"/> (and, for chats, its tool choice) into what the engine
/// follows: the grammar (compiled here once, so a bad one is a 400 naming the field; the engine finds it in
/// the model's cache), log probabilities, logit bias, extra stop tokens and <c>min_tokens</c>.
/// </summary>
internal static class DecodingSetup
{
    public const int MaxTopLogprobs = 20;

    /// <summary>Choices per request at most (each is an engine sequence).</summary>
    public const int MaxChoices = 16;

    public static EngineRequest Apply(EngineRequest engine, ServedModel model, DecodingOptions options, (GrammarSpec Spec, string Field)? tools)
    {
        if (options.N < 1)
            throw DynamoRequestException.BadRequest($"'n' must be at least 1, got {options.N}.", "n");
        if (options.N > MaxChoices)
            throw DynamoRequestException.BadRequest($"'n' must be at most {MaxChoices}, got {options.N}.", "n");
        if (options.Logprobs is { Top: < 0 or > MaxTopLogprobs } logprobs)
            throw DynamoRequestException.BadRequest($"'top_logprobs' must be between 0 and {MaxTopLogprobs}, got {logprobs.Top}.", "top_logprobs");
        if (options.MinTokens < 0 || options.MinTokens > engine.Stop.MaxTokens)
            throw DynamoRequestException.BadRequest($"'min_tokens' must be between 0 and the token budget ({engine.Stop.MaxTokens}), got {options.MinTokens}.", "min_tokens");
        var vocabulary = model.Tokenizer.VocabSize;
        if (options.StopTokenIds.Any(id => id < 0 || id >= vocabulary))
            throw DynamoRequestException.BadRequest($"'stop_token_ids' must be token ids between 0 and {vocabulary - 1}.", "stop_token_ids");
        if (options.LogitBias is { } bias)
            foreach (var (token, value) in bias)
            {
                if (token < 0 || token >= vocabulary)
                    throw DynamoRequestException.BadRequest($"'logit_bias' names token {token}, outside the vocabulary (0 to {vocabulary - 1}).", "logit_bias");
                if (value is < -100 or > 100 || float.IsNaN(value))
                    throw DynamoRequestException.BadRequest($"'logit_bias' values must be between -100 and 100, got {value} for token {token}.", "logit_bias");
            }

        if (options.Structured is not null && tools is not null)
            throw DynamoRequestException.BadRequest($"'{options.StructuredField}' cannot be combined with a tool choice that forces calls ('{tools.Value.Field}'): the answer is either the format or the calls.", options.StructuredField);
        var (spec, field) = options.Structured is { } structured ? (structured, options.StructuredField) : tools is { } t ? (t.Spec, t.Field) : (null, "");
        EngineConstraint? constraint = null;
        if (spec is not null)
        {
            var grammar = model.Grammar ?? throw DynamoRequestException.BadRequest(
                $"'{field}' needs a grammar engine, and model '{model.Name}' has none (install one, e.g. the pda plugin, or name one in the model's 'Grammar').", field);
            try
            {
                grammar.Compile(spec, model.Tokenizer);
            }
            catch (GrammarException ex)
            {
                throw DynamoRequestException.BadRequest($"'{field}': {ex.Message}", field);
            }
            constraint = new EngineConstraint(spec, options.CloseOnBudget);
        }
        var stops = options.StopTokenIds.Count == 0 ? engine.Stop.StopTokenIds : [.. engine.Stop.StopTokenIds.Union(options.StopTokenIds)];
        return engine with
        {
            Constraint = constraint,
            Logprobs = options.Logprobs,
            LogitBias = options.LogitBias is { Count: > 0 } b ? b : null,
            Stop = engine.Stop with { StopTokenIds = stops, MinTokens = options.MinTokens },
        };
    }

    /// <summary>
    /// The grammar a chat's tool choice asks for: one or more calls (<c>required</c>), exactly one call of a named
    /// function, or free text whose calls are valid (strict tools, or <c>parallel_tool_calls: false</c>); null when
    /// calls are not constrained. Calls are written in the model's own syntax, which its tool-call parser describes.
    /// </summary>
    public static (GrammarSpec Spec, string Field)? ToolGrammar(ServedModel model, ChatRequest request)
    {
        var tools = request.Tools;
        if (tools.Count == 0 || request.ToolChoice?.Mode == ToolChoiceMode.None)
            return null;
        var mode = request.ToolChoice?.Mode ?? ToolChoiceMode.Auto;
        var strict = tools.Any(t => t.Strict);
        if (mode == ToolChoiceMode.Auto && !strict && request.ParallelToolCalls)
            return null;
        var field = mode == ToolChoiceMode.Auto ? strict ? "tools" : "parallel_tool_calls" : "tool_choice";
        // A named function on a model without a call syntax: the answer is that function's arguments, as vLLM does it
        // (the bare JSON is taken as the call, see ForcedFunctionCall).
        if (mode == ToolChoiceMode.Function && model.ToolCallParser?.Syntax is null)
            return (new JsonSchemaGrammar(tools.First(t => t.Name == request.ToolChoice!.Function).Parameters ?? JsonSchemaGrammar.AnyObject.Schema), field);
        var syntax = model.ToolCallParser?.Syntax ?? throw DynamoRequestException.BadRequest(
            $"'{field}' needs the model's tool-call parser to describe its call syntax, and model '{model.Name}' has " +
            (model.ToolCallParser is null ? "no tool-call parser." : "a parser that does not (hermes, llama3_json, mistral, qwen3_coder, pythonic and harmony do)."), field);
        // Tools that are not strict still take any JSON object: the call itself is what is enforced.
        var chosen = mode == ToolChoiceMode.Function ? tools.Where(t => t.Name == request.ToolChoice!.Function).ToList() : tools.ToList();
        var shaped = chosen.Select(t => t.Strict || mode != ToolChoiceMode.Auto ? t : t with { Parameters = JsonSchemaGrammar.AnyObject.Schema }).ToList();
        var spec = new ToolCallsGrammar(syntax, shaped, mode == ToolChoiceMode.Auto ? ToolCallMode.Lazy : ToolCallMode.Required,
            Parallel: mode != ToolChoiceMode.Function && request.ParallelToolCalls);
        return (spec, field);
    }
}
