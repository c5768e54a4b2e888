using System.Reflection;
using System.Text;
using System.Text.Json;
using Dynamo.Host;
using Dynamo.Runtime.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Testing;

/// <summary>A real Dynamo host on a loopback port, with plugins loaded from the built plugin folder.</summary>
public sealed class DynamoServer : IAsyncDisposable
{
    public static string PluginsPath { get; } = Metadata("DynamoPluginsPath");

    public static string RepoRoot { get; } = Metadata("DynamoRepoRoot");

    /// <summary>The sample third-party parser plugin's build output (samples/AcmeToolCallParser).</summary>
    public static string SamplePluginPath { get; } = Metadata("DynamoSamplePluginPath");

    /// <summary>The sample third-party KV tier plugin's build output (samples/AcmeCompressedKvTier).</summary>
    public static string SampleKvTierPath { get; } = Metadata("DynamoSampleKvTierPath");

    /// <summary>The built host beside its plugins folder, for tests that run dynamo as a process.</summary>
    public static string HostAssembly { get; } = Path.Combine(Path.GetDirectoryName(PluginsPath)!, "Dynamo.Host.dll");

    /// <summary>The default model, shipped in the repository's models/ folder.</summary>
    public static string DefaultModel { get; } = Path.Combine(RepoRoot, "models", "stories260K.gguf");

    private readonly string _configFile;

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    private DynamoServer(WebApplication app, string configFile)
    {
        App = app;
        _configFile = configFile;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <param name="config">The whole configuration (replaces appsettings.json), as an object serialized to JSON.</param>
    public static async Task<DynamoServer> StartAsync(object config, string? pluginsPath = null, params Assembly[] inProcess)
    {
        var configFile = WriteConfig(config);
        var app = DynamoApplication.Build(
            ["--config", configFile, "--urls", "http://127.0.0.1:0", $"--Dynamo:PluginsPath={pluginsPath ?? PluginsPath}", "--Logging:LogLevel:Default=Warning"],
            inProcess);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            File.Delete(configFile);
            throw;
        }
        return new DynamoServer(app, configFile);
    }

    public static string WriteConfig(object config)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dynamo-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    internal ServedModel Model(string name) => App.Services.GetRequiredService<ModelRegistry>().Find(name)!;

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, CancellationToken cancellationToken = default) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        File.Delete(_configFile);
    }

    private static string Metadata(string key) => typeof(DynamoServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
