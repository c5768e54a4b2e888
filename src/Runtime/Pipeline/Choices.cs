using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Dynamo.Runtime.Models;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Several answers to one prompt (<c>n</c>): the first choice runs alone until its first tokens, which
/// means its prompt is prefilled and in its worker's prefix cache; the others then go to that worker and
/// find the prompt there (their cached tokens show it). Choice i samples with <c>seed + i</c>.
/// </summary>
internal static class Choices
{
    public static IReadOnlyList<PreparedRequest> Of(PreparedRequest request) =>
        [.. Enumerable.Range(0, request.Choices).Select(i => request with
        {
            Choices = 1,
            Engine = request.Engine with
            {
                RequestId = i == 0 ? request.Engine.RequestId : $"{request.Engine.RequestId}.{i}",
                Sampling = request.Engine.Sampling.Seed is { } seed ? request.Engine.Sampling with { Seed = seed + i } : request.Engine.Sampling,
            },
        })];

    public static async Task<T[]> RunAsync<T>(PreparedRequest request, Func<PreparedRequest, RouteRecord, Task<T>> run)
    {
        var choices = Of(request);
        return await Task.WhenAll(await StartAsync(choices.Count, (i, route) => run(choices[i], route)));
    }

    public static async IAsyncEnumerable<(int Index, T Delta)> StreamAsync<T>(PreparedRequest request,
        Func<PreparedRequest, RouteRecord, CancellationToken, IAsyncEnumerable<T>> run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.Choices == 1)
        {
            // One choice streams straight through: no channel, no hop per token.
            await foreach (var delta in run(request, new RouteRecord(), cancellationToken))
                yield return (0, delta);
            yield break;
        }
        var choices = Of(request);
        var channel = Channel.CreateUnbounded<(int, T)>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task Pump(int index, RouteRecord route)
        {
            await foreach (var delta in run(choices[index], route, stop.Token))
                await channel.Writer.WriteAsync((index, delta), stop.Token);
        }
        async Task All() => await Task.WhenAll(await StartAsync(choices.Count, Pump));
        var all = All();
        _ = all.ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
                yield return item;
            await all; // a choice's failure surfaces here
        }
        finally
        {
            // Leaving early (a client gone, an error) stops every choice.
            await stop.CancelAsync();
        }
    }

    /// <summary>Starts choice 0, then (once its prompt is on a worker) the others on that worker.</summary>
    private static async Task<TTask[]> StartAsync<TTask>(int count, Func<int, RouteRecord, TTask> start) where TTask : Task
    {
        var first = new RouteRecord();
        var tasks = new TTask[count];
        tasks[0] = start(0, first);
        if (count > 1)
        {
            var worker = await WorkerOfAsync(first, tasks[0]);
            for (var i = 1; i < count; i++)
                tasks[i] = start(i, new RouteRecord { PreferredWorker = worker });
        }
        return tasks;
    }

    /// <summary>The worker the first choice's prompt was prefilled on, once its first tokens are out (or it ended without any).</summary>
    private static async Task<string?> WorkerOfAsync(RouteRecord first, Task running)
    {
        await Task.WhenAny(first.FirstOutput.Task, running);
        if (running.IsFaulted || running.IsCanceled)
            await running; // rethrow: the others would fail the same way
        return first.FirstOutput.Task.IsCompletedSuccessfully ? first.FirstOutput.Task.Result : first.WorkerId;
    }
}
