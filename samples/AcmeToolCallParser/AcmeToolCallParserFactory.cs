using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;

namespace Acme.ToolCallParser;

/// <summary>Selected by <c>"ToolCallParser": "acme"</c> in appsettings.json; the server finds it by scanning the DLL.</summary>
public sealed class AcmeToolCallParserFactory : IComponentFactory<IToolCallParser>
{
    public string Name => "acme";

    public IToolCallParser Create(ComponentContext context) => new AcmeToolCallParser();
}
