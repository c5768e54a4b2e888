using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Metrics;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// The route, engine and detokenize stages: sends the request to a worker and turns its token
/// stream into text, ending it early (and cancelling the engine) when a stop string appears.
/// </summary>
internal static class TextGeneration
{
    public static async IAsyncEnumerable<TextDelta> RunAsync(
        PreparedRequest request, RequestMetrics metrics, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var detokenizer = new IncrementalDetokenizer(request.Model.Tokenizer);
        var stops = new StopStringMatcher(request.StopStrings);
        var promptTokens = request.Engine.TokenIds.Count;
        var completionTokens = 0;
        EngineUsage? usage = null;
        // Log probabilities of tokens whose text is still held back (a stop string or a character not yet whole).
        var pending = LogprobBuffer.For(request);
        // Leaving the loop early disposes the engine's enumerator, which ends its work on the request.
        await foreach (var output in request.Model.GenerateAsync(request.Engine, metrics.Route, cancellationToken))
        {
            metrics.Tokens(output.TokenIds.Count);
            completionTokens += output.TokenIds.Count;
            usage = output.Usage ?? usage;
            if (pending is not null && output.Logprobs is { } logprobs)
                pending.Add(logprobs.Select(l => LogprobEntry.From(l, request.Model.Tokenizer)));
            var (text, stopped) = stops.Push(detokenizer.Add(output.TokenIds));
            if (stopped is not null)
            {
                yield return Last(text, FinishReason.Stop, stopped);
                yield break;
            }
            if (output.FinishReason is { } finish)
            {
                var (rest, stoppedAtEnd) = stops.Push(detokenizer.Flush());
                yield return Last(text + rest + (stoppedAtEnd is not null ? "" : stops.Flush()), stoppedAtEnd is not null ? FinishReason.Stop : finish, stoppedAtEnd);
                yield break;
            }
            if (text.Length > 0)
                yield return new TextDelta(text, null, null, Logprobs: Take());
        }
        throw new EngineException("The engine ended the stream without a finish reason.");

        TextDelta Last(string text, FinishReason finish, string? stop = null)
        {
            var total = new EngineUsage(promptTokens, usage?.CompletionTokens ?? completionTokens, usage?.CachedTokens ?? 0);
            metrics.Finished(finish, stop);
            metrics.Succeeded(total);
            return new TextDelta(text, finish, total, stop, Take());
        }

        IReadOnlyList<LogprobEntry>? Take() => pending?.Take();
    }
}
