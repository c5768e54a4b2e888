using System.Reflection;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Plugins;

/// <summary>
/// The sample parser (samples/AcmeToolCallParser) used as its README says: its built DLL dropped
/// into a plugins folder, named in the configuration, served with no rebuild of the host.
/// </summary>
public sealed class SamplePluginTests : IAsyncLifetime
{
    private static readonly string SampleOutput = DynamoServer.SamplePluginPath;

    private readonly string _plugins = Path.Combine(Path.GetTempPath(), $"dynamo-plugins-{Guid.NewGuid():N}");
    private DynamoServer _server = null!;

    public async Task InitializeAsync()
    {
        // A fresh plugins folder: the mocker and router as built, and the sample as a third party ships it.
        foreach (var builtIn in new[] { "Dynamo.Backends.Mocker", "Dynamo.Routers.Basic" })
            PluginFolder.Copy(Path.Combine(DynamoServer.PluginsPath, builtIn), Path.Combine(_plugins, builtIn));
        var sample = Path.Combine(_plugins, "Acme.ToolCallParser");
        Directory.CreateDirectory(sample);
        File.Copy(Path.Combine(SampleOutput, "Acme.ToolCallParser.dll"), Path.Combine(sample, "Acme.ToolCallParser.dll"));
        _server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                Models = new[]
                {
                    new
                    {
                        Name = "acme-model",
                        Engine = new { Name = "mocker", DecodeItlMs = 0, OutputText = "Sure. <call name=\"get_weather\">{\"city\": \"Paris\"}</call>" },
                        Tokenizer = "bytes",
                        ToolCallParser = "acme",
                    },
                },
            },
        }, _plugins);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_plugins, recursive: true);
    }


    [Fact]
    public async Task TheDroppedInParserTurnsItsMarkupIntoToolCalls()
    {
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_plugins, "Acme.ToolCallParser")), f => f.EndsWith("Dynamo.Abstractions.dll"));
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """
            {"model":"acme-model","messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Sure. ", choice.GetProperty("message").GetProperty("content").GetString());
        var function = choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal(("get_weather", "{\"city\": \"Paris\"}"), (function.GetProperty("name").GetString(), function.GetProperty("arguments").GetString()));
    }
}
