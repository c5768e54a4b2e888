using System.Reflection;
using Dynamo.Dev.Cluster;

namespace Dynamo.Runtime.Tests.Chat;

/// <summary>samples/InProcessChat runs as a user would run it: a story from stories260K, and a tool loop on a scripted mocker.</summary>
public sealed class InProcessChatSampleTests
{
    private static readonly string Sample = typeof(InProcessChatSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoInProcessChatSample").Value!;

    [Fact]
    public async Task The_sample_streams_a_story_and_plays_a_tool_loop()
    {
        await using var sample = ChildProcess.Start("dotnet", [Sample], workingDirectory: Path.GetTempPath());
        Assert.True(await sample.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, sample.Output);

        var lines = sample.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("stories260K: ", StringComparison.Ordinal) && l.Length > "stories260K: ".Length + 10);
        Assert.Contains("agent: It is sunny in Paris, 21 degrees.", sample.Output);
        Assert.Contains("called get_weather(city: Paris)", sample.Output);
        Assert.Contains("it returned: sunny, 21 degrees in Paris", sample.Output);
    }
}
