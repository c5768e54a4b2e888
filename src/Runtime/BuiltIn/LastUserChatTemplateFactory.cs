using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

internal sealed class LastUserChatTemplateFactory : IComponentFactory<IChatTemplate>
{
    public string Name => "last-user";

    public IChatTemplate Create(ComponentContext context) => new LastUserChatTemplate();
}
