using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench memory</c>: how fast this machine reads memory with this many threads (one
/// per core given to the process by default), summing a buffer far larger than the caches. Decode
/// of a model larger than the caches cannot beat this divided by the bytes of weights per token.
/// </summary>
internal static class MemoryBenchCommand
{
    private const int Runs = 10;

    public static Task<int> RunAsync(string[] args, TextWriter output)
    {
        (var threadsText, var rest) = DynamoConfiguration.TakeOption(args, "--threads");
        (var megabytesText, rest) = DynamoConfiguration.TakeOption(rest, "--megabytes");
        var json = rest.Contains("--json");
        if (rest.Any(a => a != "--json"))
            throw new DynamoConfigurationException("usage: dynamo-dev bench memory [--threads N] [--megabytes 1024] [--json]");
        var threads = threadsText is null ? Environment.ProcessorCount : Arguments.Int(threadsText, "--threads");
        var megabytes = megabytesText is null ? 1024 : Arguments.Int(megabytesText, "--megabytes");
        var buffer = new float[megabytes * (1L << 20) / sizeof(float)];
        Array.Fill(buffer, 1f); // touch every page before timing
        var best = 0.0;
        for (var run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
            {
                var share = buffer.Length / threads;
                Sum(buffer.AsSpan(part * share, share));
            });
            best = Math.Max(best, buffer.LongLength * sizeof(float) / clock.Elapsed.TotalSeconds / 1e9);
        }
        output.WriteLine(json
            ? System.Text.Json.JsonSerializer.Serialize(new MemoryBenchResult(threads, megabytes, Math.Round(best, 1)), DevJson.Default.MemoryBenchResult)
            : $"dynamo-dev bench memory: {best:F1} GB/s read with {threads} thread(s) over {megabytes} MB (best of {Runs})");
        return Task.FromResult(0);
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        // Eight independent sums keep enough loads in flight to reach the memory's limit, not an add chain's.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<float> a = default, b = default, c = default, d = default, e = default, f = default, g = default, h = default;
        var i = 0;
        for (; i + 8 <= vectors.Length; i += 8)
        {
            a += vectors[i];
            b += vectors[i + 1];
            c += vectors[i + 2];
            d += vectors[i + 3];
            e += vectors[i + 4];
            f += vectors[i + 5];
            g += vectors[i + 6];
            h += vectors[i + 7];
        }
        return Vector.Sum(a + b + c + d + e + f + g + h);
    }
}
