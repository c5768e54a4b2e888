using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Configuration;

/// <summary>
/// Reads <see cref="DynamoOptions"/> from configuration. A component key is a name or an object with
/// a <c>Name</c> and the component's own options, which the plain binder cannot express, hence this.
/// </summary>
/// <exception cref="DynamoConfigurationException">A model entry cannot be read (no name, no engine).</exception>
internal sealed class DynamoOptionsSetup(IConfiguration configuration, IHostEnvironment? environment = null) : IConfigureOptions<DynamoOptions>
{
    public void Configure(DynamoOptions options) => DynamoConfigurationException.Reading(() => Read(options));

    private void Read(DynamoOptions options)
    {
        var section = configuration.GetSection(DynamoOptions.Section);
        options.MaxRequestBodyBytes = section.GetValue("MaxRequestBodyBytes", DynamoOptions.DefaultMaxRequestBodyBytes);
        if (environment is not null)
            options.ContentRoot = environment.ContentRootPath;
        options.Models = [.. section.GetSection("Models").GetChildren().Select(ModelOptions.From)];
        options.ModelAliases = [.. section.GetSection("ModelAliases").GetChildren().Select(a => KeyValuePair.Create(a.Key, a.Value ?? ""))];
        foreach (var level in section.GetSection("ReasoningEffort").GetChildren())
            options.ReasoningEffort[level.Key] = level.Get<int>();
        options.ApiKeys = [.. section.GetSection("ApiKeys").GetChildren().Select(k => k.Value).OfType<string>().Where(k => k.Length > 0)];
    }
}
