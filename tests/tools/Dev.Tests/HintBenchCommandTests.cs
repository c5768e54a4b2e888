using Dynamo.Dev.Commands;

using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary>The priority and speculative-prefill benchmarks at toy size: both runs complete, every request answered.</summary>
public sealed class HintBenchCommandTests
{
    private static readonly string Plugins = $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}";

    [Theory]
    [InlineData("priority", "no hints", "priority hints")]
    [InlineData("speculative", "off ", "on ")]
    public async Task RunsWithAndWithoutTheHint(string bench, string withoutRow, string withRow)
    {
        var output = new StringWriter();
        var code = bench == "priority"
            ? await PriorityBenchCommand.RunAsync(["--requests", "12", "--high-share", "0.5", "--busy-threshold", "2", Plugins], output)
            : await SpeculativeBenchCommand.RunAsync(["--sessions", "2", "--turns", "2", "--tool-ms", "50", Plugins], output);
        Assert.Equal(0, code);
        var rows = output.ToString().Split('\n').Where(l => l.StartsWith(withoutRow, StringComparison.Ordinal) || l.StartsWith(withRow, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.EndsWith("|      0", r.TrimEnd()));
        Assert.DoesNotContain("NaN", string.Concat(rows));
    }
}
