using Dynamo.Distributed;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Dynamo.Host.Configuration;

/// <summary>The command-line handling every serving command shares: <c>--config</c>, <c>--nats</c>, <c>--distributed</c>.</summary>
internal static class DynamoConfiguration
{
    /// <summary>Takes <c>--config FILE</c> out and turns the runtime's flags into configuration arguments.</summary>
    public static (string? ConfigFile, string[] Settings) Arguments(string[] args)
    {
        var (configFile, rest) = TakeOption(args, "--config");
        (var nats, rest) = TakeOption(rest, "--nats");
        if (nats is not null)
            rest = [.. rest, $"--{NatsOptions.Section}:Url={nats}"];
        if (rest.Contains("--distributed"))
            rest = [.. rest.Where(a => a != "--distributed"), $"--{DynamoOptions.Section}:Distributed=true"];
        return (configFile, rest);
    }

    /// <summary>
    /// The content root: the folder of the configuration file in use (FILE's for <c>--config FILE</c>,
    /// else the program's own, where the embedded appsettings.json is). Relative model paths resolve against it.
    /// </summary>
    /// <exception cref="DynamoConfigurationException">FILE does not exist.</exception>
    public static string ContentRoot(string? configFile)
    {
        if (configFile is null)
            return AppContext.BaseDirectory;
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
            throw new DynamoConfigurationException($"Configuration file '{path}' does not exist.");
        return Path.GetDirectoryName(path)!;
    }

    /// <summary>
    /// FILE replaces the embedded appsettings.json; environment variables and the other
    /// arguments still override it.
    /// </summary>
    public static void UseConfigFile(IConfigurationManager configuration, string? configFile, string[] args)
    {
        if (configFile is null)
            return;
        foreach (var source in configuration.Sources.OfType<JsonConfigurationSource>().Where(s => s.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true).ToList())
            configuration.Sources.Remove(source);
        configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    public static (string? Value, string[] Remaining) TakeOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
            return (null, args);
        if (index == args.Length - 1 || args[index + 1].StartsWith("--", StringComparison.Ordinal))
            throw new DynamoConfigurationException($"{name} needs a value.");
        return (args[index + 1], [.. args[..index], .. args[(index + 2)..]]);
    }
}
