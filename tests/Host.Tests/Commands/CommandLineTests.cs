using Dynamo.Dev.Cluster;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Commands;

/// <summary>A bad value on any command line is a usage error in one line, exit code 2, never a stack trace.</summary>
public sealed class CommandLineTests
{
    private static readonly string DevAssembly = typeof(Dynamo.Dev.Arguments).Assembly.Location;

    public static TheoryData<string[], string> BadServerCommands => new()
    {
        { ["--Dynamo:Models:0:Replicas=abc"], "Failed to convert configuration value 'abc' at 'Dynamo:Models:0:Replicas'" },
        { ["--Dynamo:Models:0:Replicas=0"], "'Replicas' must be at least 1, got 0" },
        { ["--Dynamo:Models:0:Engine=vllm"], "needs the Engine 'vllm', which no loaded plugin provides" },
        { ["--Dynamo:MaxRequestBodyBytes=lots"], "'Dynamo:MaxRequestBodyBytes'" },
        { ["--Dynamo:AgentTrace:Enabled=true", "--Dynamo:AgentTrace:Sink=kafka"], "'Dynamo:AgentTrace:Sink' must be one of" },
        { ["--config", "/nonexistent/dynamo.json"], "Configuration file '/nonexistent/dynamo.json' does not exist" },
        { ["worker", "--model"], "--model needs a value" },
        { ["worker", "--model", "m", "--system-port", "eighty"], "The system port must be a number from 1 to 65535, got 'eighty'" },
        { ["worker", "--model", "m", "--worker-id", "a.b"], "may hold only letters, digits" },
        { ["frontend", "--Dynamo:Nats:LeaseTtlMs=-5"], "'Dynamo:Nats:LeaseTtlMs' must be a positive number of milliseconds" },
        { ["planner", "--Dynamo:Planner:Mode=fast"], "'Dynamo:Planner:Mode' must be \"throughput\", \"load\" or \"both\", got 'fast'" },
        { ["planner", "--Dynamo:Planner:Mode=load", "--Dynamo:Planner:MaxTotalWorkers=0"], "'Dynamo:Planner:MaxTotalWorkers' must be at least 1" },
        { ["planner", "--Dynamo:Planner:Mode=load", "--Dynamo:Planner:MaxTotalWorkers=2", "--Dynamo:Planner:Predictor=arima"], "needs the LoadPredictor 'arima', which no loaded plugin provides" },
    };

    [Theory]
    [MemberData(nameof(BadServerCommands))]
    public async Task Dynamo_says_what_is_wrong_in_one_line(string[] args, string message)
    {
        var config = DynamoServer.WriteConfig(new { Dynamo = new { Models = new[] { TestConfigs.Model("m", new { Name = "mocker" }) } } });
        try
        {
            string[] withConfig = args.Contains("--config") ? args : [.. args, "--config", config];
            await using var process = ChildProcess.Dynamo(DynamoServer.HostAssembly, [.. withConfig, "--urls", "http://127.0.0.1:0"]);
            Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            AssertUsageError(process.Output, "dynamo: ", message);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData(new[] { "bench", "engine", "--model", "m.gguf", "--prompt-tokens", "many" }, "--prompt-tokens must be a whole number, got 'many'")]
    [InlineData(new[] { "bench", "agentic", "--speedup", "fast" }, "--speedup must be a number, got 'fast'")]
    [InlineData(new[] { "bench", "priority", "--requests", "1e3" }, "--requests must be a whole number")]
    [InlineData(new[] { "parse", "reasoning", "--parser", "qwen3", "--chunks", "x" }, "--chunks must be a whole number")]
    [InlineData(new[] { "template", "render" }, "usage: dynamo-dev template render")]
    public async Task The_tools_say_what_is_wrong_in_one_line(string[] args, string message)
    {
        await using var process = ChildProcess.Start("dotnet", [DevAssembly, .. args, $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}"]);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        AssertUsageError(process.Output, "dynamo-dev: ", message);
    }

    private static void AssertUsageError(string output, string prefix, string message)
    {
        Assert.Contains(prefix, output);
        Assert.Contains(message, output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
    }
}
