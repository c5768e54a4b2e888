using Dynamo.Planner.Inputs;
using Dynamo.Planner.Policy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dynamo.Planner;

/// <summary>
/// The planner's loop: samples the workers' load through each interval, and once an interval reads the frontend's
/// counters, decides (<see cref="PlannerPolicy"/>), has the connector carry the decision out, logs it and exports it.
/// A source or connector that fails costs that interval, not the planner.
/// </summary>
internal sealed class PlannerService : BackgroundService
{
    // Often enough that "under the threshold for the whole interval" means something, rarely enough to cost nothing.
    private static readonly TimeSpan LongestSamplePeriod = TimeSpan.FromSeconds(1);

    private readonly PlannerOptions _options;
    private readonly PlannerComponents _components;
    private readonly IWorkerLoadSource _workers;
    private readonly IFrontendMetricsSource? _frontend;
    private readonly PlannerMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<PlannerService> _logger;
    private readonly PoolLoadWindow _window;
    private PlannerPolicy? _policy;
    private (FrontendSample Sample, long At)? _baseline;
    private bool _frontendFailing;
    private long _ticks;
    private readonly TaskCompletionSource _looping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PlannerService(IOptions<PlannerOptions> options, PlannerComponents components, IWorkerLoadSource workers, PlannerMetrics metrics,
        TimeProvider clock, ILogger<PlannerService> logger, IFrontendMetricsSource? frontend = null)
    {
        (_options, _components, _workers, _frontend, _metrics, _clock, _logger) = (options.Value, components, workers, frontend, metrics, clock, logger);
        _window = new PoolLoadWindow(_options.Model);
    }

    /// <summary>Raised after each decision is carried out (tests and tools follow the planner with it).</summary>
    public event Action<PlannerDecision>? Decided;

    /// <summary>Clock ticks handled so far: a test on a fake clock moves it on only once the last is.</summary>
    internal long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Done once the loop's timer runs (ExecuteAsync starts on the thread pool, after the host's start).</summary>
    internal Task Looping => _looping.Task;

    /// <summary>The profile is read and the plugins are in place before the host counts as started.</summary>
    /// <exception cref="Runtime.Configuration.DynamoConfigurationException">The profile cannot be read.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var profile = _options.Mode == PlannerMode.Load || _options.ProfilePath is null ? null : ProfileFile.Read(_options.ProfilePath);
        _policy = new PlannerPolicy(_options, profile, _components.Predictors);
        _logger.LogInformation("Planner: {Mode} mode, pools {Pools}, every {Interval} s (scale-down cooldown {Cooldown} s), TTFT {Ttft} ms, ITL {Itl} ms, budget {Budget}; load from {Source}",
            _options.Mode.ToString().ToLowerInvariant(), string.Join(", ", _options.Pools.Select(p => $"{p.Name} {p.MinReplicas}..{p.MaxReplicas}")),
            _options.AdjustmentIntervalSeconds, _options.ScaleDownCooldownSeconds, _options.TtftTargetMs, _options.ItlTargetMs,
            _options.MaxTotalWorkers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", _frontend?.Description ?? "the workers alone");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = _policy ?? throw new InvalidOperationException("The planner was not started.");
        await SampleFrontendAsync(stoppingToken);
        var period = TimeSpan.FromTicks(Math.Min(LongestSamplePeriod.Ticks, _options.AdjustmentInterval.Ticks / 5));
        var last = _clock.GetTimestamp();
        using var timer = new PeriodicTimer(period, _clock);
        _looping.TrySetResult();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _window.Add(_workers.Snapshot());
                // Ticks may coalesce on a busy machine: the interval is measured, not counted.
                if (_clock.GetElapsedTime(last) >= _options.AdjustmentInterval - period / 2)
                {
                    last = _clock.GetTimestamp();
                    await AdjustAsync(policy, stoppingToken);
                }
                Interlocked.Increment(ref _ticks);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task AdjustAsync(PlannerPolicy policy, CancellationToken cancellationToken)
    {
        var observed = await SampleFrontendAsync(cancellationToken);
        var loads = _window.Take();
        var connector = _components.Connector;
        var current = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var pool in _options.Pools)
                current[pool.Name] = await connector.GetReplicasAsync(pool.Name, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Planner: the connector cannot say how many workers there are ({Error}); no decision this interval", ex.Message);
            return;
        }

        var decision = policy.Decide(_clock.GetUtcNow(), new IntervalObservation(observed, loads), current);
        _logger.LogInformation("Planner: {Decision}", decision.Describe());
        foreach (var pool in decision.Pools.Where(p => p.Target != p.Current))
        {
            try
            {
                await connector.SetReplicasAsync(pool.Pool, pool.Target, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError("Planner: the connector failed to take pool {Pool} from {Current} to {Target} replicas: {Error}", pool.Pool, pool.Current, pool.Target, ex.Message);
            }
        }
        var actual = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pool in _options.Pools)
            actual[pool.Name] = await TryGetReplicasAsync(pool.Name, cancellationToken) ?? decision[pool.Name].Target;
        _metrics.Record(decision, actual);
        Decided?.Invoke(decision);
    }

    private async Task<int?> TryGetReplicasAsync(string pool, CancellationToken cancellationToken)
    {
        try
        {
            return await _components.Connector.GetReplicasAsync(pool, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Reads the frontend's counters; what changed since the last read is the interval's traffic.</summary>
    private async Task<FrontendObservation?> SampleFrontendAsync(CancellationToken cancellationToken)
    {
        if (_frontend is null)
            return null;
        FrontendSample sample;
        try
        {
            sample = await _frontend.SampleAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Said once per outage: a frontend that is not up yet is no news every interval.
            if (!_frontendFailing)
                _logger.LogWarning("Planner: cannot read {Source} ({Error}); the throughput mode holds until it can", _frontend.Description, ex.Message);
            _frontendFailing = true;
            return null;
        }
        if (_frontendFailing)
            _logger.LogInformation("Planner: reading {Source} again", _frontend.Description);
        _frontendFailing = false;
        var now = _clock.GetTimestamp();
        var observed = _baseline is { } baseline ? FrontendObservation.Between(baseline.Sample, sample, _clock.GetElapsedTime(baseline.At, now)) : null;
        _baseline = (sample, now);
        return observed;
    }
}
