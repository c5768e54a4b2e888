using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

internal sealed class PlainChatTemplateFactory : IComponentFactory<IChatTemplate>
{
    public string Name => "plain";

    public IChatTemplate Create(ComponentContext context) => new PlainChatTemplate();
}
