using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Planner.Connectors.Local;

/// <summary><c>"Connector": { "Name": "local", … }</c>: the planner runs <c>dynamo worker</c> processes here (see <see cref="LocalConnectorOptions"/>).</summary>
internal sealed class LocalConnectorFactory : IComponentFactory<IPlannerConnector>
{
    public string Name => "local";

    public IPlannerConnector Create(ComponentContext context)
    {
        var options = LocalConnectorOptions.From(context.Options);
        var (executable, prefix) = options.Executable is { } program ? (program, options.ExecutableArguments ?? []) : WorkerCommandLine.CurrentProgram();
        var configFile = options.ConfigFile is { } file
            ? Path.GetFullPath(file, context.ContentRoot ?? Directory.GetCurrentDirectory())
            : WorkerCommandLine.CurrentConfigFile();
        var nats = options.Nats ?? context.Services.GetService<IConfiguration>()?["Dynamo:Nats:Url"];
        var command = new WorkerCommandLine(executable, prefix, configFile, nats, options.Model, options.Pools, options.Arguments);
        var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger<LocalConnector>() ?? NullLogger<LocalConnector>.Instance;
        return new LocalConnector(command, options.DrainTimeout, context.Services.GetService<TimeProvider>() ?? TimeProvider.System, logger);
    }
}
