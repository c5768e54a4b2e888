using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.KvAware;

/// <summary><c>"Router": "kv"</c> or <c>{ "Name": "kv", "PrefillLoadScale": 1, "DecodeLoadScale": 0.5, "OverlapCredit": 1, "DecodeActiveRequestWeight": 0, "Temperature": 0 }</c>.</summary>
internal sealed class KvAwareRouterFactory : IComponentFactory<IRouter>
{
    public string Name => "kv";

    public IReadOnlyList<string> Aliases => ["kv-aware"];

    public IRouter Create(ComponentContext context) => new KvAwareRouter(KvRouterOptions.From(context.Options), new KvIndexer());
}
