using Microsoft.Extensions.Configuration;

namespace Dynamo.Host.Configuration;

/// <summary>The <c>Dynamo</c> section of appsettings.json.</summary>
/// <param name="Distributed">A frontend whose workers register over NATS, not engines in this process.</param>
internal sealed record DynamoOptions(string PluginsPath, long MaxRequestBodyBytes, IReadOnlyList<ModelOptions> Models, bool Distributed = false)
{
    public const string Section = "Dynamo";

    public static DynamoOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var pluginsPath = section["PluginsPath"] ?? "plugins";
        if (!Path.IsPathRooted(pluginsPath))
            pluginsPath = Path.Combine(AppContext.BaseDirectory, pluginsPath);
        var maxBody = section.GetValue("MaxRequestBodyBytes", 4L * 1024 * 1024);
        if (maxBody < 1)
            throw new DynamoConfigurationException($"'Dynamo:MaxRequestBodyBytes' must be positive, got {maxBody}.");
        var models = section.GetSection("Models").GetChildren().Select(ModelOptions.From).ToList();
        var duplicate = models.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DynamoConfigurationException($"Model name '{duplicate.Key}' is configured more than once.");
        return new DynamoOptions(pluginsPath, maxBody, models, section.GetValue("Distributed", false));
    }
}
