using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Backends.Echo;

internal sealed class EchoEngineFactory : IComponentFactory<IEngine>
{
    public string Name => "echo";

    public IEngine Create(ComponentContext context) =>
        new EchoEngine(EchoOptions.From(context.Options), context.Services.GetService<TimeProvider>() ?? TimeProvider.System);
}
