using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// The <c>gguf</c> tokenizer: the one the model carries, from a GGUF file's metadata or a Hugging Face
/// folder's tokenizer.json (the tokenizer's <c>Path</c> option, else the model's <c>Path</c>).
/// </summary>
internal sealed class GgufTokenizerFactory : IComponentFactory<ITokenizer>
{
    public string Name => "gguf";

    public ITokenizer Create(ComponentContext context)
    {
        var path = context.Options["Path"] ?? context.ModelPath
            ?? throw new ArgumentException("The gguf tokenizer needs a GGUF file: set the model's 'Path' (or the Tokenizer's 'Path').");
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
        {
            var folderTokenizer = HuggingFaceTokenizer.Load(path);
            folderTokenizer.ChatTemplate = HuggingFaceTokenizer.ReadChatTemplate(path);
            return folderTokenizer;
        }
        using var file = GgufFile.Open(path);
        var tokenizer = GgufTokenizer.FromGguf(file);
        tokenizer.ChatTemplate = file.Get<string?>("tokenizer.chat_template", null);
        return tokenizer;
    }
}
