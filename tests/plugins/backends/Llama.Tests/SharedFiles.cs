using System.Reflection;

namespace Dynamo.Backends.Llama.Tests;

/// <summary>
/// Model files: the default model shipped in the repository's <c>models/</c>, and the team's shared
/// vocabularies with tokenizer test vectors in <c>../shared/vocab</c>, which a clone without
/// <c>../shared</c> lacks: the tests that need them skip there, naming the folder.
/// </summary>
internal static class SharedFiles
{
    private static string Metadata(string key) => typeof(SharedFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Root { get; } = Path.GetFullPath(Metadata("DynamoSharedPath"));

    /// <summary>A vocabulary file under ../shared/vocab; skips the calling test when it is not there.</summary>
    public static string Vocab(string name)
    {
        var path = Path.Combine(Root, "vocab", name);
        Skip.IfNot(File.Exists(path), $"needs the shared fixtures folder ../shared ({path} is missing)");
        return path;
    }

    /// <summary>A model the repository ships (models/).</summary>
    public static string Model(string name) => Path.Combine(Metadata("DynamoRepoRoot"), "models", name);
}
