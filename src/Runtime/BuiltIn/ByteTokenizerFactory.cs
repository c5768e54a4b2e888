using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

internal sealed class ByteTokenizerFactory : IComponentFactory<ITokenizer>
{
    public string Name => "bytes";

    public ITokenizer Create(ComponentContext context) => new ByteTokenizer();
}
