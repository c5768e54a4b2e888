using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Abstractions.Plugins;

/// <summary>
/// Optional hook: a plugin that needs more than its factories scanned (shared services, options)
/// implements this; the host calls it once after scanning the plugin's assembly.
/// </summary>
public interface IPluginRegistration
{
    void Register(IServiceCollection services, IConfiguration configuration);
}
