using System.Reflection;

namespace Dynamo.Testing;

/// <summary>
/// The team's fixtures in <c>../shared</c> beside the repository (real vocabularies, chat templates).
/// A clone without that folder skips the tests that need it, naming it; CI has it, so they run there.
/// </summary>
public static class SharedFixtures
{
    public static string Root { get; } = Path.GetFullPath(typeof(SharedFixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoSharedPath").Value!);

    /// <summary>Whether the folder is there.</summary>
    public static bool Available => Directory.Exists(Root);

    /// <summary>A path under <c>../shared</c> (which may be missing); for building configurations before a test decides to skip.</summary>
    public static string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    /// <summary>A path under <c>../shared</c>; skips the calling test (a <c>[SkippableFact]</c>) when it is not there.</summary>
    public static string Require(params string[] relative)
    {
        var path = Path.Combine([Root, .. relative]);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"needs the shared fixtures folder ../shared ({path} is missing)");
        return path;
    }
}
