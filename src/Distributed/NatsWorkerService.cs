using System.Diagnostics.Metrics;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Metrics;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Dynamo.Distributed;

/// <summary>
/// <c>dynamo worker</c>'s life: at start it builds the model's engine and connects to NATS (either
/// failing stops the start with what to fix), then serves frontends until the host stops. A worker
/// whose loops or engine fail stops the host with exit code 1, so it is replaced, not routed to blind.
/// </summary>
internal sealed class NatsWorkerService(WorkerIdentity identity, IOptions<DynamoOptions> dynamo, IOptions<NatsOptions> nats, IOptions<DataPlane.KvDataPlaneOptions> dataPlane,
    ModelFactory factory, TimeProvider clock, IHostApplicationLifetime lifetime, ILoggerFactory loggers, IMeterFactory meters) : BackgroundService
{
    private KvDataPlaneTransfer? _transfer;
    private readonly List<object> _started = [];
    private NatsConnection? _connection;
    private LocalWorker? _worker;

    /// <summary>This process's worker while its engine serves; none before the start or once the engine failed.</summary>
    public IReadOnlyList<IWorker> Workers => _worker is { } worker && !Faulted ? [worker] : [];

    /// <summary>Whether the engine failed (the worker is leaving).</summary>
    public bool Faulted { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var model = dynamo.Value.Models.Single(m => m.Name == identity.Model);
        var tokenizer = factory.CreateTokenizer(model);
        _started.Add(tokenizer); // disposed with the engine, as a model in process disposes its own
        IEngine engine;
        try
        {
            engine = factory.CreateEngine(model, identity.WorkerId, tokenizer, _started);
        }
        catch
        {
            await ModelFactory.DisposeAllAsync(_started);
            throw;
        }
        engine.Faulted += _ => Faulted = true;
        _worker = new LocalWorker(identity.WorkerId, engine, identity.Role);
        WorkerMetrics.Register(meters, () => Workers.Select(w => (identity.Model, w)));
        // Every worker has a data plane: a prefill worker stages its blocks there, a decode worker pulls with it.
        _transfer = new KvDataPlaneTransfer(new DataPlane.KvDataPlaneServer(dataPlane.Value, loggers.CreateLogger("Dynamo.KvDataPlane"), clock),
            new DataPlane.KvDataPlaneClient(dataPlane.Value, clock));
        _connection = await NatsConnector.ConnectAsync(nats.Value, identity.WorkerId);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger("Dynamo.Worker");
        var worker = new NatsWorker(identity.Model, identity.WorkerId, _worker!.Engine, _connection!, nats.Value, clock, logger, identity.Role, _transfer);
        bool healthy;
        try
        {
            healthy = await worker.RunAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogCritical(ex, "Worker {WorkerId} stops: it could not serve on NATS", identity.WorkerId);
            healthy = false;
        }
        if (!healthy)
        {
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_connection is not null)
            await _connection.DisposeAsync();
        if (_transfer is not null)
            await _transfer.DisposeAsync();
        await ModelFactory.DisposeAllAsync(_started);
    }
}
