using System.Runtime.CompilerServices;
using System.Text;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Chat;
using Dynamo.Runtime.Metrics;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Pipeline;
using Microsoft.Extensions.AI;

namespace Dynamo.Runtime;

/// <summary>
/// The serving runtime as front doors use it: prepare a request (validate, template, tokenize),
/// then run it (route, engine, detokenize, stop strings, reasoning and tool-call parsing) as one
/// result or a stream of deltas. Protocol-neutral: an HTTP front door, an in-process
/// <see cref="IChatClient"/> and a test all drive the same pipeline.
/// </summary>
public sealed class DynamoRuntime
{
    private readonly ModelRegistry _models;
    private readonly Preprocessor _preprocessor;
    private readonly FrontendMetrics _metrics;
    private readonly SpeculativePrefill _prefill;

    internal DynamoRuntime(ModelRegistry models, Preprocessor preprocessor, FrontendMetrics metrics, SpeculativePrefill prefill, ReasoningEfforts efforts) =>
        (_models, _preprocessor, _metrics, _prefill, Efforts) = (models, preprocessor, metrics, prefill, efforts);

    /// <summary>Effort levels as thinking and reasoning budgets, for front doors whose APIs speak of effort.</summary>
    public ReasoningEfforts Efforts { get; }

    /// <summary>The models served now, with their live workers.</summary>
    public IReadOnlyList<ModelStatus> Models => [.. _models.Models.Select(Status)];

    private static ModelStatus Status(ServedModel model) => new(model.Name, model.Created, [.. model.Workers.Select(w => w.WorkerId)]);

    /// <exception cref="Errors.DynamoRequestException">The request is invalid or names no served model.</exception>
    public PreparedRequest PrepareChat(ChatRequest request) => _preprocessor.Chat(request);

    /// <exception cref="Errors.DynamoRequestException">The request is invalid or names no served model.</exception>
    public PreparedRequest PrepareCompletion(CompletionRequest request) => _preprocessor.Completion(request);

    /// <summary>The served model a name stands for (its own, or an alias); null when none.</summary>
    public ModelStatus? FindModel(string name) => _models.Find(name) is { } m ? Status(m) : null;

    /// <summary>A chat's prompt as the model's tokens, exactly as it would be served (template and tokenizer).</summary>
    /// <exception cref="Errors.DynamoRequestException">The request is invalid or names no served model.</exception>
    public TokenizeResult TokenizeChat(ChatRequest request)
    {
        var (model, tokens) = _preprocessor.Tokenize(request);
        return new TokenizeResult(model.Name, tokens, model.MaxContextLength);
    }

    /// <summary>Text as the model's tokens.</summary>
    /// <exception cref="Errors.DynamoRequestException">No such model.</exception>
    public TokenizeResult Tokenize(string? model, string text, bool addSpecialTokens)
    {
        var served = _preprocessor.FindModel(model);
        return new TokenizeResult(served.Name, served.Tokenizer.Encode(text, addSpecialTokens), served.MaxContextLength);
    }

    /// <summary>The model's tokens as text.</summary>
    /// <exception cref="Errors.DynamoRequestException">No such model, or a token id outside its vocabulary.</exception>
    public string Detokenize(string? model, IReadOnlyList<int> tokens)
    {
        var served = _preprocessor.FindModel(model);
        if (tokens.Where(t => t < 0 || t >= served.Tokenizer.VocabSize).Select(t => (int?)t).FirstOrDefault() is { } bad)
            throw Errors.DynamoRequestException.BadRequest($"'tokens' must be ids between 0 and {served.Tokenizer.VocabSize - 1}, got {bad}.", "tokens");
        return served.Tokenizer.Decode([.. tokens], skipSpecialTokens: false);
    }

    /// <summary>Runs a prepared chat and streams its postprocessed deltas; the last carries the finish reason and usage.</summary>
    public IAsyncEnumerable<ChatDelta> StreamChatAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        StreamChatAsync(request, info, null, cancellationToken);

    /// <summary>Every choice of a prepared chat (<c>n</c>), streamed together: each delta with its choice's index.</summary>
    public IAsyncEnumerable<(int Index, ChatDelta Delta)> StreamChatChoicesAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        Choices.StreamAsync(request, (choice, route, token) => StreamChatAsync(choice, info, route, token), cancellationToken);

    /// <summary>Every choice of a prepared chat (<c>n</c>), run to the end, in index order.</summary>
    public Task<ChatResult[]> CompleteChatChoicesAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        Choices.RunAsync(request, (choice, route) => CompleteChatAsync(choice, info, route, cancellationToken));

    /// <summary>Every choice of a prepared completion (<c>n</c>), streamed together.</summary>
    public IAsyncEnumerable<(int Index, TextDelta Delta)> StreamTextChoicesAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        Choices.StreamAsync(request, (choice, route, token) => StreamTextAsync(choice, info, route, token), cancellationToken);

    /// <summary>Every choice of a prepared completion (<c>n</c>), run to the end, in index order.</summary>
    public Task<TextResult[]> CompleteTextChoicesAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        Choices.RunAsync(request, (choice, route) => CompleteTextAsync(choice, info, route, cancellationToken));

    private async IAsyncEnumerable<ChatDelta> StreamChatAsync(PreparedRequest request, RequestInfo info, RouteRecord? route, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var metrics = _metrics.Start(request, info, route);
        var post = new ChatStreamPostprocessor(request);
        // The whole text is kept only for a speculative prefill, which renders the reply as the next turn will.
        var whole = request.Engine.Metadata.AgentHints?.SpeculativePrefill == true ? new StringBuilder() : null;
        (FinishReason? Finish, string? Stop) end = (null, null);
        // Log probabilities ride on the next delta that goes out: parsers may hold text back.
        var logprobs = LogprobBuffer.For(request);
        await foreach (var delta in TextGeneration.RunAsync(request, metrics, cancellationToken))
        {
            whole?.Append(delta.Text);
            logprobs?.Add(delta.Logprobs);
            if (post.Push(delta.Text) is { } pushed)
                yield return Traced(pushed with { Logprobs = logprobs?.Take() });
            if (delta.Finish is { } finish)
            {
                end = (finish, delta.StopSequence);
                yield return Traced((post.Finish(ChatOutputParser.AtStopToken(finish, delta.StopSequence)) ?? new ChatDelta(null, null, null)) with
                {
                    Finish = post.SawToolCalls ? FinishReason.ToolCalls : finish,
                    Usage = delta.Usage,
                    StopSequence = delta.StopSequence,
                    Logprobs = logprobs?.Take(),
                });
            }
        }
        if (whole is not null)
        {
            var (content, reasoning, toolCalls) = ChatOutputParser.Parse(request, whole.ToString(), end.Finish, end.Stop);
            _prefill.StartAfter(request, metrics.Route.WorkerId, content, reasoning, toolCalls);
        }

        // A call's first piece names it: the trace records each call once.
        ChatDelta Traced(ChatDelta delta)
        {
            foreach (var call in delta.ToolCalls ?? [])
                if (call.Name is not null)
                    metrics.ToolCall(call.Index, call.Id, call.Name);
            return delta;
        }
    }

    /// <summary>Runs a prepared chat to the end.</summary>
    public Task<ChatResult> CompleteChatAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        CompleteChatAsync(request, info, null, cancellationToken);

    private async Task<ChatResult> CompleteChatAsync(PreparedRequest request, RequestInfo info, RouteRecord? route, CancellationToken cancellationToken)
    {
        using var metrics = _metrics.Start(request, info, route);
        var (text, last, logprobs) = await CollectAsync(request, metrics, cancellationToken);
        var (content, reasoning, toolCalls) = ChatOutputParser.Parse(request, text, last.Finish, last.StopSequence);
        for (var i = 0; i < toolCalls.Count; i++)
            metrics.ToolCall(i, toolCalls[i].Id, toolCalls[i].Name);
        _prefill.StartAfter(request, metrics.Route.WorkerId, content, reasoning, toolCalls);
        return new ChatResult(request.RequestId, request.ModelName, content, reasoning, toolCalls,
            toolCalls.Count > 0 ? FinishReason.ToolCalls : last.Finish!.Value, last.Usage!, last.StopSequence, logprobs);
    }

    /// <summary>Runs a prepared completion and streams its text; the last delta carries the finish reason and usage.</summary>
    public IAsyncEnumerable<TextDelta> StreamTextAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        StreamTextAsync(request, info, null, cancellationToken);

    private async IAsyncEnumerable<TextDelta> StreamTextAsync(PreparedRequest request, RequestInfo info, RouteRecord? route, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var metrics = _metrics.Start(request, info, route);
        await foreach (var delta in TextGeneration.RunAsync(request, metrics, cancellationToken))
            yield return delta;
    }

    /// <summary>Runs a prepared completion to the end.</summary>
    public Task<TextResult> CompleteTextAsync(PreparedRequest request, RequestInfo info, CancellationToken cancellationToken) =>
        CompleteTextAsync(request, info, null, cancellationToken);

    private async Task<TextResult> CompleteTextAsync(PreparedRequest request, RequestInfo info, RouteRecord? route, CancellationToken cancellationToken)
    {
        using var metrics = _metrics.Start(request, info, route);
        var (text, last, logprobs) = await CollectAsync(request, metrics, cancellationToken);
        return new TextResult(request.RequestId, request.ModelName, text, last.Finish!.Value, last.Usage!, logprobs);
    }

    /// <summary>A Microsoft.Extensions.AI chat client for <paramref name="model"/> over this runtime, in process (no HTTP).</summary>
    public IChatClient GetChatClient(string model) => new DynamoChatClient(this, model);

    private static async Task<(string Text, TextDelta Last, IReadOnlyList<LogprobEntry>? Logprobs)> CollectAsync(PreparedRequest request, RequestMetrics metrics, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        TextDelta? last = null;
        var logprobs = LogprobBuffer.For(request);
        await foreach (var delta in TextGeneration.RunAsync(request, metrics, cancellationToken))
        {
            text.Append(delta.Text);
            logprobs?.Add(delta.Logprobs);
            last = delta;
        }
        return (text.ToString(), last!, logprobs?.Take());
    }
}
