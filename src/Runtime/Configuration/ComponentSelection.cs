using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Configuration;

/// <summary>
/// A component chosen by name, with its options. In appsettings.json either a plain name
/// (<c>"Router": "round-robin"</c>) or an object whose <c>Name</c> picks the component and whose
/// other keys are its options (<c>"Engine": { "Name": "mocker", "Speedup": 10 }</c>).
/// </summary>
public sealed record ComponentSelection(string Name, IConfiguration Options)
{
    private static readonly IConfiguration NoOptions = new ConfigurationBuilder().Build();

    public static ComponentSelection? From(IConfigurationSection section)
    {
        if (!string.IsNullOrWhiteSpace(section.Value))
            return new ComponentSelection(section.Value.Trim(), NoOptions);
        var name = section["Name"];
        if (string.IsNullOrWhiteSpace(name))
            return section.GetChildren().Any()
                ? throw new DynamoConfigurationException($"'{section.Path}' needs a 'Name' that picks the component.")
                : null;
        return new ComponentSelection(name.Trim(), section);
    }

    public static ComponentSelection Named(string name) => new(name, NoOptions);
}
