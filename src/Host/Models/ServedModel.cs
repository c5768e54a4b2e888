using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Routing;
using IRouter = Dynamo.Abstractions.Routing.IRouter;

namespace Dynamo.Host.Models;

/// <summary>A model as served: its preprocessing and postprocessing components, router and workers.</summary>
internal sealed class ServedModel(
    string name,
    ITokenizer tokenizer,
    IChatTemplate chatTemplate,
    IRouter router,
    IToolCallParser? toolCallParser,
    IReasoningParser? reasoningParser,
    IReadOnlyList<LocalWorker> workers) : IAsyncDisposable
{
    public string Name => name;

    public ITokenizer Tokenizer => tokenizer;

    public IChatTemplate ChatTemplate => chatTemplate;

    public IToolCallParser? ToolCallParser => toolCallParser;

    public IReasoningParser? ReasoningParser => reasoningParser;

    public IReadOnlyList<LocalWorker> Workers => workers;

    /// <summary>The longest prompt + output every worker accepts.</summary>
    public int MaxContextLength { get; } = workers.Min(w => w.Engine.Descriptor.MaxContextLength);

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    /// <summary>Routes the request to a worker and streams that worker's output.</summary>
    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var snapshots = workers.Select(w => w.Snapshot()).ToList();
        var decision = await router.RouteAsync(new RoutingRequest(request.RequestId, request.TokenIds, request.Metadata), snapshots, cancellationToken);
        var worker = workers.FirstOrDefault(w => w.WorkerId == decision.WorkerId)
            ?? throw new InvalidOperationException($"Router chose unknown worker '{decision.WorkerId}'.");
        try
        {
            await using var outputs = worker.Engine.GenerateAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (await NextAsync(outputs))
                yield return outputs.Current;
        }
        finally
        {
            router.OnRequestFinished(worker.WorkerId, request.RequestId);
        }
    }

    /// <summary>Any failure inside an engine reaches the client as an engine failure with its message, never a stack trace.</summary>
    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<EngineOutput> outputs)
    {
        try
        {
            return await outputs.MoveNextAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not EngineException)
        {
            throw new EngineException(ex.Message, inner: ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in workers)
            await worker.Engine.DisposeAsync();
    }
}
