using Dynamo.Runtime.Configuration;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace Dynamo.Distributed;

/// <summary>Connects to NATS and opens the worker registry, with errors that say what to do.</summary>
internal static class NatsConnector
{
    public static async Task<NatsConnection> ConnectAsync(NatsOptions options, string clientName)
    {
        var nats = new NatsConnection(new NatsOpts { Url = options.Url, Name = clientName, ConnectTimeout = TimeSpan.FromSeconds(5) });
        try
        {
            await nats.ConnectAsync();
            return nats;
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
        {
            await nats.DisposeAsync();
            throw new DynamoConfigurationException(
                $"Cannot reach NATS at {options.Url} ({ex.Message}). Start one with 'scripts/nats.sh start', or point '--nats URL' at yours.");
        }
    }

    /// <summary>
    /// The registry bucket. Entries age out <see cref="NatsOptions.LeaseTtl"/> after their last put,
    /// which is the lease: a worker that stops renewing is gone from the bucket.
    /// </summary>
    public static async Task<INatsKVStore> RegistryAsync(NatsConnection nats, NatsOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await nats.CreateKeyValueStoreContext().CreateOrUpdateStoreAsync(
                new NatsKVConfig(NatsOptions.Bucket) { MaxAge = options.LeaseTtl, History = 1, Storage = NatsKVStorageType.Memory }, cancellationToken);
        }
        catch (NatsJSException ex)
        {
            throw new DynamoConfigurationException(
                $"NATS at {options.Url} refused the worker registry ({ex.Message}). The runtime needs JetStream: start nats-server with -js ('scripts/nats.sh start' does).");
        }
    }
}
