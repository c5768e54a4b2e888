using Dynamo.Distributed;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dynamo.Testing;

/// <summary>Options read and checked from a configuration exactly as a host does at start, without starting one.</summary>
public static class ConfiguredOptions
{
    /// <exception cref="DynamoConfigurationException">The configuration cannot be read.</exception>
    /// <exception cref="OptionsValidationException">A value is out of range.</exception>
    public static DynamoOptions Dynamo(IConfiguration configuration)
    {
        var options = new DynamoOptions();
        new DynamoOptionsSetup(configuration).Configure(options);
        return Checked(options, new DynamoOptionsValidator().Validate(null, options));
    }

    /// <exception cref="OptionsValidationException">A value is out of range.</exception>
    public static NatsOptions Nats(IConfiguration configuration)
    {
        var options = configuration.GetSection(NatsOptions.Section).Get<NatsOptions>() ?? new NatsOptions();
        return Checked(options, new NatsOptionsValidator().Validate(null, options));
    }

    private static T Checked<T>(T options, ValidateOptionsResult result) where T : class =>
        result.Failed ? throw new OptionsValidationException(typeof(T).Name, typeof(T), result.Failures) : options;
}
