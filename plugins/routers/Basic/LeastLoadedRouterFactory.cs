using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

internal sealed class LeastLoadedRouterFactory : IComponentFactory<IRouter>
{
    public string Name => "least-loaded";

    public IRouter Create(ComponentContext context) => new LeastLoadedRouter();
}
