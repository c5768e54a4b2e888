using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>Builds the tokenizer a GGUF file describes (<c>tokenizer.ggml.model</c>).</summary>
internal static class GgufTokenizers
{
    public static ITokenizer Create(GgufFile file)
    {
        var model = file.Get<string>("tokenizer.ggml.model");
        return model switch
        {
            "llama" => new SentencePieceTokenizer(GgufVocabulary.FromGguf(file, addBosByDefault: true), file.Get("tokenizer.ggml.add_space_prefix", true)),
            "gpt2" => new BytePairTokenizer(GgufVocabulary.FromGguf(file, addBosByDefault: false), file.Get<string[]>("tokenizer.ggml.merges"),
                PreTokenizer.For(file.Get("tokenizer.ggml.pre", "default"), file.Path)),
            _ => throw new GgufFormatException(file.Path, $"tokenizer model '{model}' is not supported yet (supported: llama, gpt2)."),
        };
    }
}
