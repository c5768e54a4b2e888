using System.Reflection;

namespace Dynamo.Backends.Llama.Tests;

/// <summary>The team's shared files (<c>../shared</c> beside the repository): vocab test vectors and small models.</summary>
internal static class SharedFiles
{
    public static string Root { get; } = Path.GetFullPath(typeof(SharedFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoSharedPath").Value!);

    public static string Vocab(string name) => Path.Combine(Root, "vocab", name);

    public static string Model(string name) => Path.Combine(Root, "models", name);
}
