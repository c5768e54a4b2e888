using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dynamo.Abstractions.KvCache;
using Prometheus;

namespace Dynamo.Host.Metrics;

/// <summary>
/// The engines' offload counters (<see cref="KvOffloadChain.Meter"/>) on /metrics under Dynamo's
/// names, with the host and disk hit rates computed from lookups and hits.
/// </summary>
internal sealed class KvbmMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public KvbmMetrics(FrontendMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KvOffloadChain.Meter.Name)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
                if (tag.Key == "tier")
                    key += ":" + tag.Value;
            _totals.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();

        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        string[] counters = ["kvbm_offload_blocks_d2h", "kvbm_offload_blocks_d2disk", "kvbm_offload_blocks_h2disk", "kvbm_onboard_blocks_h2d", "kvbm_onboard_blocks_disk2d", "kvbm_matched_tokens", "kvbm_offload_dropped_blocks"];
        var gauges = counters.ToDictionary(name => name, name => factory.CreateGauge(name, $"KV block manager: {name.Replace('_', ' ')} (since start)."));
        var hostRate = factory.CreateGauge("kvbm_host_cache_hit_rate", "Share of host-memory tier lookups that found the block.");
        var diskRate = factory.CreateGauge("kvbm_disk_cache_hit_rate", "Share of disk tier lookups that found the block.");
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (name, gauge) in gauges)
                gauge.Set(_totals.GetValueOrDefault(name));
            hostRate.Set(Rate(KvStorageTier.HostMemory));
            diskRate.Set(Rate(KvStorageTier.Disk));
        });
    }

    private double Rate(KvStorageTier tier)
    {
        var lookups = _totals.GetValueOrDefault($"kvbm_lookups:{tier}");
        return lookups == 0 ? 0 : (double)_totals.GetValueOrDefault($"kvbm_hits:{tier}") / lookups;
    }

    public void Dispose() => _listener.Dispose();
}
