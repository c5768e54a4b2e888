using Dynamo.Dev.Commands;

using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary><c>dynamo bench agentic</c> at toy size: every turn of every session gets an answer, and the table says so.</summary>
public sealed class AgenticBenchCommandTests
{
    [Fact]
    public async Task RunsEveryRouterOverMultiTurnSessionsWithoutErrors()
    {
        var output = new StringWriter();
        var code = await AgenticBenchCommand.RunAsync(
            ["--routers", "round-robin,kv", "--workers", "2", "--sessions", "3", "--prefixes", "2", "--turns", "2", "--prefix-tokens", "600", "--kv-blocks", "256", "--speedup", "50",
             $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}"], output);
        Assert.Equal(0, code);
        var rows = output.ToString().Split('\n').Where(l => l.StartsWith("round-robin", StringComparison.Ordinal) || l.StartsWith("kv ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.EndsWith("|      0", r.TrimEnd()));
    }

    [Fact]
    public async Task RunsAgainstWorkerProcessesBehindADistributedFrontend()
    {
        var output = new StringWriter();
        var code = await AgenticBenchCommand.RunAsync(
            ["--routers", "kv", "--workers", "2", "--sessions", "2", "--prefixes", "1", "--turns", "2", "--prefix-tokens", "300", "--kv-blocks", "256", "--speedup", "50", "--distributed",
             $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}"], output);
        Assert.Equal(0, code);
        Assert.Contains("worker processes behind a frontend over NATS", output.ToString());
        var row = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("kv ", StringComparison.Ordinal));
        Assert.EndsWith("|      0", row.TrimEnd());
    }
}
