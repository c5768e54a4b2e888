using Dynamo.Host.Configuration;
using Dynamo.Runtime;

namespace Dynamo.Dev;

/// <summary>The plugins and their components, for the tools that drive one component directly (an engine, a parser, a template).</summary>
internal static class ToolHost
{
    /// <param name="args">Configuration arguments (<c>--config FILE</c>, <c>--Dynamo:PluginsPath=…</c>).</param>
    public static IHost Build(string[] args)
    {
        var (configFile, settings) = DynamoConfiguration.Arguments(args);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = settings,
            ContentRootPath = DynamoConfiguration.ContentRoot(configFile),
        });
        DynamoConfiguration.UseConfigFile(builder.Configuration, configFile, settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDynamoCore(builder.Configuration);
        return builder.Build();
    }
}
