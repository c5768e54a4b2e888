using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Runtime;

/// <summary>What <see cref="DynamoServiceCollectionExtensions.AddDynamo"/> returns, for transports and front doors to add to (as YARP's proxy builder is).</summary>
public sealed class DynamoBuilder(IServiceCollection services, IConfiguration configuration)
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;
}
