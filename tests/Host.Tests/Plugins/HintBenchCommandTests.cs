using Dynamo.Host.Commands;

namespace Dynamo.Host.Tests.Plugins;

/// <summary>The priority and speculative-prefill benchmarks at toy size: both runs complete, every request answered.</summary>
public sealed class HintBenchCommandTests
{
    private static readonly string Plugins = $"--Dynamo:PluginsPath={Infrastructure.DynamoServer.PluginsPath}";

    private static List<string> Rows(StringWriter output, params string[] starts) =>
        output.ToString().Split('\n').Where(l => starts.Any(s => l.StartsWith(s, StringComparison.Ordinal))).ToList();

    [Fact]
    public async Task PriorityRunsWithAndWithoutHints()
    {
        var output = new StringWriter();
        Assert.Equal(0, await PriorityBenchCommand.RunAsync(["--requests", "12", "--high-share", "0.5", "--busy-threshold", "2", Plugins], output));
        var rows = Rows(output, "no hints", "priority hints");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.EndsWith("|      0", r.TrimEnd()));
        Assert.DoesNotContain("NaN", string.Concat(rows));
    }

    [Fact]
    public async Task SpeculativeRunsWithAndWithoutTheHint()
    {
        var output = new StringWriter();
        Assert.Equal(0, await SpeculativeBenchCommand.RunAsync(["--sessions", "2", "--turns", "2", "--tool-ms", "50", Plugins], output));
        var rows = Rows(output, "off ", "on ");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.EndsWith("|      0", r.TrimEnd()));
        Assert.DoesNotContain("NaN", string.Concat(rows));
    }
}
