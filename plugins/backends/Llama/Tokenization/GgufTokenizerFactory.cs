using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>The <c>gguf</c> tokenizer: the one a GGUF file carries (its <c>Path</c> option, else the model's <c>Path</c>).</summary>
internal sealed class GgufTokenizerFactory : IComponentFactory<ITokenizer>
{
    public string Name => "gguf";

    public ITokenizer Create(ComponentContext context)
    {
        var path = context.Options["Path"] ?? context.ModelPath
            ?? throw new ArgumentException("The gguf tokenizer needs a GGUF file: set the model's 'Path' (or the Tokenizer's 'Path').");
        using var file = GgufFile.Open(Path.GetFullPath(path));
        return GgufTokenizers.Create(file);
    }
}
