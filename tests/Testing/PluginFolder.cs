namespace Dynamo.Testing;

/// <summary>Fresh plugins folders for tests that load plugins the way a deployment would: copied in, then named in the configuration.</summary>
public static class PluginFolder
{
    /// <summary>Copies a built plugin's folder (and its subfolders) to <paramref name="to"/>.</summary>
    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
