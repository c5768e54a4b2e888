using Dynamo.Runtime;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Tracing;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dynamo.Distributed;

public static class DistributedDynamoBuilderExtensions
{
    /// <summary>A frontend: each model's workers are the <c>dynamo worker</c> processes registered on NATS (<c>Dynamo:Nats</c>).</summary>
    public static DynamoBuilder AddNatsWorkerDiscovery(this DynamoBuilder builder)
    {
        AddNatsOptions(builder);
        builder.Services.AddSingleton<WorkerDiscovery>();
        builder.Services.AddSingleton<IWorkerSetSource>(sp => sp.GetRequiredService<WorkerDiscovery>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerDiscovery>());
        builder.Services.AddKeyedSingleton<ITraceSink>("nats", (sp, _) =>
            new NatsTraceSink(sp.GetRequiredService<IOptions<NatsOptions>>().Value, sp.GetRequiredService<RequestTraceOptions>()));
        return builder;
    }

    /// <summary>
    /// A worker: one engine of a configured model, served to frontends over NATS while the host runs.
    /// </summary>
    /// <param name="model">The model to serve; null when the configuration has only one.</param>
    /// <param name="workerId">The id to register under; null for one made of the model, machine and process.</param>
    public static DynamoBuilder AddNatsWorker(this DynamoBuilder builder, string? model, string? workerId)
    {
        AddNatsOptions(builder);
        builder.Services.AddSingleton(sp => WorkerIdentity.Choose(sp.GetRequiredService<IOptions<DynamoOptions>>().Value, model, workerId, builder.Configuration["Dynamo:Worker:Role"]));
        builder.Services.AddOptions<DataPlane.KvDataPlaneOptions>().Bind(builder.Configuration.GetSection(DataPlane.KvDataPlaneOptions.Section))
            .PostConfigure<IOptions<NatsOptions>>((plane, nats) => DataPlaneAddress(plane, nats.Value.DataPlaneAddress)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DataPlane.KvDataPlaneOptions>, DataPlane.KvDataPlaneOptionsValidator>();
        builder.Services.AddSingleton<NatsWorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NatsWorkerService>());
        return builder;
    }

    // Dynamo:Nats:DataPlaneAddress (host:port) is what the worker advertises and the port it listens on.
    private static void DataPlaneAddress(DataPlane.KvDataPlaneOptions plane, string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
            return;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new DynamoConfigurationException($"'Dynamo:Nats:DataPlaneAddress' must be host:port, got '{address}'.");
        plane.AdvertiseHost = address[..colon].Trim('[', ']');
        plane.Port = port;
    }

    private static void AddNatsOptions(DynamoBuilder builder)
    {
        builder.Services.AddOptions<NatsOptions>().Bind(builder.Configuration.GetSection(NatsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NatsOptions>, NatsOptionsValidator>();
    }
}
