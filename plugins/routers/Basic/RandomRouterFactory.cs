using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

/// <summary><c>"Router": "random"</c>, or <c>{ "Name": "random", "Seed": 7 }</c> for a reproducible sequence.</summary>
internal sealed class RandomRouterFactory : IComponentFactory<IRouter>
{
    public string Name => "random";

    public IRouter Create(ComponentContext context) =>
        new RandomRouter(int.TryParse(context.Options["Seed"], out var seed) ? new Random(seed) : new Random());
}
