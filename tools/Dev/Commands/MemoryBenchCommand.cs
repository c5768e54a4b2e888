using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    // The decode kernels read four rows (or eight interleaved) at a time: so does this, rows of 32 KB.
    private const int RowFloats = 8192;

    /// <summary>Sums the slice four rows at a time, 64 bytes a read from each.</summary>
    private static float Sum(ReadOnlySpan<float> values)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        Vector512<float> a = default, b = default, c = default, d = default;
        for (nuint row = 0; row + 4 * RowFloats <= (nuint)values.Length; row += 4 * RowFloats)
            for (nuint i = row; i < row + RowFloats; i += 16)
            {
                a += Vector512.LoadUnsafe(ref start, i);
                b += Vector512.LoadUnsafe(ref start, i + RowFloats);
                c += Vector512.LoadUnsafe(ref start, i + 2 * RowFloats);
                d += Vector512.LoadUnsafe(ref start, i + 3 * RowFloats);
            }
        return Vector512.Sum(a + b + c + d);
    }
}
