using Dynamo.Abstractions.Routing;

namespace Dynamo.Runtime.Workers;

/// <summary>The other frontends' routers of one model, reached through the transport (router replica sync).</summary>
public interface IRouterReplicas
{
    /// <summary>Sends this frontend's router's change to the others; never waits.</summary>
    void Publish(RouterLoadShare share);

    /// <summary>Another frontend's router changed what it counts.</summary>
    event Action<RouterLoadShare>? Received;
}
