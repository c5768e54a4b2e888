using Dynamo.Host.Commands;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Plugins;
using Dynamo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Host.Tests.Plugins;

/// <summary>Plugins come from a folder of real DLLs; a broken one is reported, and fatal only when a model needs it.</summary>
public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dynamo-plugins-{Guid.NewGuid():N}");

    public PluginDiscoveryTests()
    {
        // The real plugin folders, copied as a user would drop them in…
        foreach (var plugin in Directory.GetDirectories(DynamoServer.PluginsPath))
            CopyDirectory(plugin, Path.Combine(_folder, Path.GetFileName(plugin)));
        // …beside a plugin whose DLL is not an assembly, and a folder without its DLL.
        Directory.CreateDirectory(Path.Combine(_folder, "Broken.Plugin"));
        File.WriteAllBytes(Path.Combine(_folder, "Broken.Plugin", "Broken.Plugin.dll"), "MZ this is not a .NET assembly"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(_folder, "Empty.Plugin"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    [Fact]
    public async Task ABrokenPluginIsRecordedAndTheRestServe()
    {
        await using var server = await DynamoServer.StartAsync(TestConfigs.Default(), _folder);
        var catalog = server.App.Services.GetRequiredService<PluginCatalog>();

        var broken = Assert.Single(catalog.Plugins, p => p.Name == "Broken.Plugin");
        Assert.False(broken.Loaded);
        Assert.Contains("not a valid .NET assembly", broken.Error);
        Assert.Contains("no Empty.Plugin.dll", Assert.Single(catalog.Plugins, p => p.Name == "Empty.Plugin").Error);
        Assert.True(Assert.Single(catalog.Plugins, p => p.Name == "Dynamo.Backends.Mocker").Loaded);
        // The plugin's factory is the host's interface: one contract, shared across load contexts.
        var mocker = server.App.Services.GetRequiredService<ComponentRegistry>().Components.Single(c => c.Factory.Name == "mocker");
        Assert.Equal("Dynamo.Backends.Mocker", mocker.Plugin);
        Assert.NotEqual(typeof(PluginCatalog).Assembly, mocker.Factory.GetType().Assembly);

        using var response = await server.PostJsonAsync("/v1/chat/completions", """{"model":"mock","messages":[{"role":"user","content":"Hi"}],"max_tokens":3}""");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AModelNeedingAnUnknownComponentStopsStartupNamingWhatExists()
    {
        var config = new { Dynamo = new { Models = new[] { TestConfigs.Model("m", new { Name = "vllm" }) } } };

        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(async () =>
        {
            await using var app = DynamoApplication.Build(["--config", DynamoServer.WriteConfig(config), "--urls", "http://127.0.0.1:0", $"--Dynamo:PluginsPath={_folder}"]);
            await app.StartAsync();
        });

        Assert.Contains("Model 'm' needs the Engine 'vllm', which no loaded plugin provides", error.Message);
        Assert.Contains("Available Engine names: 'echo', ", error.Message);
        Assert.Contains("'mocker'", error.Message);
        Assert.Contains("Broken.Plugin", error.Message); // a failed plugin may be the one that was meant
    }

    [Fact]
    public async Task BadComponentOptionsStopStartupNamingTheComponent()
    {
        var config = new { Dynamo = new { Models = new[] { TestConfigs.Model("m", new { Name = "mocker", Speedup = -1 }) } } };

        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(async () =>
        {
            await using var app = DynamoApplication.Build(["--config", DynamoServer.WriteConfig(config), "--urls", "http://127.0.0.1:0", $"--Dynamo:PluginsPath={_folder}"]);
            await app.StartAsync();
        });

        Assert.Contains("the Engine 'mocker' (plugin Dynamo.Backends.Mocker) failed to start: Speedup must be positive", error.Message);
    }

    [Fact]
    public async Task PluginsCommandListsPluginsComponentsAndFailures()
    {
        var output = new StringWriter();

        var exitCode = await PluginsCommand.RunAsync(["--config", DynamoServer.WriteConfig(TestConfigs.Default()), $"--Dynamo:PluginsPath={_folder}"], output);

        var text = output.ToString();
        Assert.Equal(1, exitCode); // some plugin failed
        Assert.Matches(@"Dynamo\.Backends\.Mocker .*\n\s+Engine\s+mocker", text);
        Assert.Matches(@"Dynamo\.Routers\.Basic .*\n\s+Router\s+least-loaded\n\s+Router\s+random\n\s+Router\s+round-robin", text);
        Assert.Matches(@"Dynamo\.Runtime \(built-in\).*\n\s+Tokenizer\s+bytes", text);
        Assert.Contains("Broken.Plugin  FAILED: not a valid .NET assembly", text);
    }

    [Fact]
    public async Task AnOptionalModelThatCannotStartIsSkipped()
    {
        var config = new
        {
            Dynamo = new
            {
                Models = new[]
                {
                    TestConfigs.Model("absent", "llama", new { Path = "/nonexistent/model.gguf", Optional = true }),
                    TestConfigs.Model("mock", new { Name = "mocker" }),
                },
            },
        };

        await using var server = await DynamoServer.StartAsync(config, _folder);

        var models = await server.Client.GetStringAsync("/v1/models");
        Assert.Contains("\"mock\"", models);
        Assert.DoesNotContain("absent", models);
    }
}
