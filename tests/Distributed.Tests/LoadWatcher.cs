using System.Collections.Concurrent;
using System.Text.Json;
using NATS.Client.Core;

namespace Dynamo.Distributed.Tests;

/// <summary>Listens to the workers' load reports on NATS, as a frontend does, to see where work runs.</summary>
public sealed class LoadWatcher : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly ConcurrentDictionary<string, int> _active = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LoadWatcher(NatsConnection nats, INatsSub<byte[]> loads)
    {
        _nats = nats;
        _loop = Task.Run(async () =>
        {
            await foreach (var message in loads.Msgs.ReadAllAsync(_stop.Token))
            {
                using var load = JsonDocument.Parse(message.Data);
                _active[message.Subject.Split('.')[2]] = load.RootElement.GetProperty("activeRequests").GetInt32();
            }
        });
    }

    public static async Task<LoadWatcher> StartAsync(string url)
    {
        var nats = new NatsConnection(new NatsOpts { Url = url });
        await nats.ConnectAsync();
        return new LoadWatcher(nats, await nats.SubscribeCoreAsync<byte[]>("dynamo.worker.*.load"));
    }

    /// <summary>Waits until the workers' reported active requests satisfy <paramref name="condition"/>; returns them.</summary>
    public async Task<IReadOnlyDictionary<string, int>> WaitAsync(Func<IReadOnlyDictionary<string, int>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = _active.ToDictionary();
            if (condition(snapshot))
                return snapshot;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Worker loads never matched: {string.Join(", ", snapshot.Select(kv => $"{kv.Key}={kv.Value}"))}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { });
        await _nats.DisposeAsync();
    }
}
