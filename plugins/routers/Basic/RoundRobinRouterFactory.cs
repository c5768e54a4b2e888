using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

internal sealed class RoundRobinRouterFactory : IComponentFactory<IRouter>
{
    public string Name => "round-robin";

    public IRouter Create(ComponentContext context) => new RoundRobinRouter();
}
