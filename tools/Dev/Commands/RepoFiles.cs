namespace Dynamo.Dev.Commands;

/// <summary>Files of this repository, found from the tool's own folder upwards (benchmarks read the corpus and models there).</summary>
internal static class RepoFiles
{
    /// <returns>The path of <paramref name="name"/> in the repository root, or the name itself when there is no repository around the tool.</returns>
    public static string Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, name)) && File.Exists(Path.Combine(dir.FullName, "Dynamo.sln")))
                return Path.Combine(dir.FullName, name);
        return name;
    }
}
