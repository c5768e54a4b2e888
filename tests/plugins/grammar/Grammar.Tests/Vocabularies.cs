using System.Reflection;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Grammar.Tests;

/// <summary>Real tokenizers: the shipped model's (SentencePiece, 512 tokens) and, where ../shared is beside the repository, 32k SentencePiece and 50k byte-level BPE vocabularies.</summary>
internal static class Vocabularies
{
    private static string Metadata(string key) => typeof(Vocabularies).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static readonly Dictionary<string, ITokenizer> Loaded = [];

    public static ITokenizer Stories260K() => Load(Path.Combine(Metadata("DynamoRepoRoot"), "models", "stories260K.gguf"));

    /// <summary>A vocabulary from ../shared/vocab; skips the calling test where it is missing.</summary>
    public static ITokenizer Shared(string name)
    {
        var path = Path.Combine(Path.GetFullPath(Metadata("DynamoSharedPath")), "vocab", name);
        Skip.IfNot(File.Exists(path), $"needs the shared fixtures folder ../shared ({path} is missing)");
        return Load(path);
    }

    private static ITokenizer Load(string path)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(path, out var tokenizer))
                Loaded[path] = tokenizer = GgufTokenizer.FromGguf(GgufFile.Open(path));
            return tokenizer;
        }
    }
}
