using System.Runtime.InteropServices;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Host.Http;

/// <summary>
/// The frontend's host lifetime: SIGTERM (and Ctrl+C) drain before the host stops. New work is
/// refused and <c>/health</c> turns 503 while in-flight requests finish, for at most
/// <c>Dynamo:GracefulShutdownTimeoutSeconds</c> (30 by default); then the host stops and the process exits.
/// Kestrel keeps serving meanwhile, so probes see the drain instead of a refused connection.
/// </summary>
internal sealed class DrainingLifetime(IHostApplicationLifetime lifetime, GracefulDrain drain, IConfiguration configuration, ILogger<DrainingLifetime> logger) : IHostLifetime, IDisposable
{
    public const string TimeoutKey = "Dynamo:GracefulShutdownTimeoutSeconds";
    public const int DefaultTimeoutSeconds = 30;

    private readonly List<PosixSignalRegistration> _signals = [];
    private int _stopping;

    public static TimeSpan Timeout(IConfiguration configuration) =>
        DynamoConfigurationException.Reading(() => configuration.GetValue(TimeoutKey, DefaultTimeoutSeconds)) is var seconds and >= 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new DynamoConfigurationException($"'{TimeoutKey}' must be 0 or more seconds.");

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // not the runtime's default exit: the drain decides when
                _ = DrainThenStopAsync(context.Signal);
            }));
        return Task.CompletedTask;
    }

    private async Task DrainThenStopAsync(PosixSignal signal)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
            return;
        var timeout = Timeout(configuration);
        logger.LogInformation("{Signal}: draining {Inflight} requests in flight (up to {Seconds} s), refusing new ones", signal, drain.Inflight, timeout.TotalSeconds);
        var left = await drain.DrainAsync(timeout, lifetime.ApplicationStopping);
        if (left > 0)
            logger.LogWarning("Drain timed out with {Inflight} requests still in flight; stopping anyway", left);
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var signal in _signals)
            signal.Dispose();
    }
}
