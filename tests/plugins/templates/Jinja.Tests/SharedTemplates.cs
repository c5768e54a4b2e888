using System.Reflection;

namespace Dynamo.Templates.Jinja.Tests;

/// <summary>
/// The team's 20 real chat templates in <c>../shared/templates</c>. A clone without that folder
/// gets one placeholder case per theory, which skips naming the folder.
/// </summary>
internal static class SharedTemplates
{
    private const string Missing = "(../shared/templates is missing)";

    public static string Folder { get; } = Path.GetFullPath(Path.Combine(typeof(SharedTemplates).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoSharedPath").Value!, "templates"));

    public static IEnumerable<string> Names => Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.jinja").Select(Path.GetFileName).Order()! : [Missing];

    /// <summary>A template's text; skips the calling test when the folder is not there.</summary>
    public static string Read(string name)
    {
        Skip.If(name == Missing || !Directory.Exists(Folder), $"needs the shared fixtures folder ../shared ({Folder} is missing)");
        return File.ReadAllText(Path.Combine(Folder, name));
    }
}
