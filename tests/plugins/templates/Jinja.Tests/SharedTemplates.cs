using System.Reflection;

namespace Dynamo.Templates.Jinja.Tests;

/// <summary>The team's 20 real chat templates in <c>../shared/templates</c>.</summary>
internal static class SharedTemplates
{
    public static string Folder { get; } = Path.GetFullPath(Path.Combine(typeof(SharedTemplates).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoSharedPath").Value!, "templates"));

    public static IEnumerable<string> Names => Directory.GetFiles(Folder, "*.jinja").Select(Path.GetFileName).Order()!;

    public static string Read(string name) => File.ReadAllText(Path.Combine(Folder, name));
}
