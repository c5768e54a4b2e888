using Dynamo.Abstractions.Routing;
using Dynamo.Runtime.Workers;
using NATS.Client.Core;

namespace Dynamo.Distributed;

/// <summary>One model's router replicas over NATS: this frontend's changes published, the others' received.</summary>
/// <param name="nats">The frontend's connection, once it has one (routers are built before it connects).</param>
internal sealed class NatsRouterReplicas(string model, string frontend, Func<NatsConnection?> nats) : IRouterReplicas
{
    public event Action<RouterLoadShare>? Received;

    // Fire and forget: a routing decision never waits on the wire.
    public void Publish(RouterLoadShare share)
    {
        if (nats() is { } connection)
            _ = connection.PublishAsync(NatsSubjects.RouterLoad(model), WireJson.Write(new RouterLoadMessage(frontend, model, share))).AsTask();
    }

    public void Deliver(RouterLoadMessage message)
    {
        if (message.Frontend != frontend)
            Received?.Invoke(message.Share);
    }
}
