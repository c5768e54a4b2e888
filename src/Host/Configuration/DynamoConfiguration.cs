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
            rest = [.. rest, $"--{Distributed.NatsOptions.Section}:Url={nats}"];
        if (rest.Contains("--distributed"))
            rest = [.. rest.Where(a => a != "--distributed"), $"--{DynamoOptions.Section}:Distributed=true"];
        return (configFile, rest);
    }

    /// <summary>
    /// FILE replaces the embedded appsettings.json; environment variables and the other
    /// arguments still override it.
    /// </summary>
    public static void UseConfigFile(ConfigurationManager configuration, string? configFile, string[] args)
    {
        if (configFile is null)
            return;
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
            throw new DynamoConfigurationException($"Configuration file '{path}' does not exist.");
        IConfigurationBuilder builder = configuration;
        foreach (var source in builder.Sources.OfType<JsonConfigurationSource>().Where(s => s.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true).ToList())
            builder.Sources.Remove(source);
        configuration.AddJsonFile(path, optional: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    public static (string? Value, string[] Remaining) TakeOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
            return (null, args);
        if (index == args.Length - 1)
            throw new DynamoConfigurationException($"{name} needs a value.");
        return (args[index + 1], [.. args[..index], .. args[(index + 2)..]]);
    }
}
