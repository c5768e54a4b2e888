using System.Net.Http.Json;
using System.Text.Json;
using Dynamo.Dev.Cluster;
using Dynamo.Testing;

namespace Dynamo.Host.Tests;

/// <summary>
/// The product stands alone: the built host, copied into a repository layout with no ../shared
/// beside it and started from an unrelated working directory, serves the default model it ships.
/// </summary>
public sealed class StandaloneTests : IDisposable
{
    private const string Greedy = """{"model":"stories260K","prompt":"Once upon a time","max_tokens":24,"temperature":0}""";

    private readonly string _root = Directory.CreateTempSubdirectory("dynamo-standalone-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The greedy text of the shipped model, from a host in this process.</summary>
    private static async Task<string> ReferenceAsync()
    {
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { new { Name = "stories260K", Path = DynamoServer.DefaultModel, Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" } } },
        });
        return await CompleteAsync(server.Client);
    }

    private static async Task<string> CompleteAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1/completions", new StringContent(Greedy, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
    }

    /// <summary>The built host (its plugins and models with it) copied to repo/src/Host/bin/… under a folder with no shared/ beside the repo.</summary>
    private string CopyHost()
    {
        var built = Path.GetDirectoryName(DynamoServer.HostAssembly)!;
        var copy = Path.Combine(_root, "repo", Path.GetRelativePath(DynamoServer.RepoRoot, built));
        PluginFolder.Copy(built, copy);
        Assert.False(Directory.Exists(Path.Combine(_root, "shared")));
        return Path.Combine(copy, "Dynamo.Host.dll");
    }

    private async Task<string> ServeAsync(string host, string workingDirectory, params string[] arguments)
    {
        var port = FreePort.Next();
        await using var process = ChildProcess.Start("dotnet", [host, "--urls", $"http://127.0.0.1:{port}", .. arguments], workingDirectory);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => process.Output);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ready", health.GetProperty("status").GetString());
        return await CompleteAsync(client);
    }

    [Fact]
    public async Task The_default_configuration_serves_the_shipped_model_from_any_working_directory()
    {
        var host = CopyHost();
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "somewhere", "else")).FullName;

        var text = await ServeAsync(host, elsewhere);

        Assert.Equal(await ReferenceAsync(), text);
        Assert.False(string.IsNullOrWhiteSpace(text));
    }

    [Fact]
    public async Task A_relative_model_path_in_a_config_file_resolves_against_that_files_folder()
    {
        var host = CopyHost();
        var configDir = Directory.CreateDirectory(Path.Combine(_root, "config")).FullName;
        Directory.CreateDirectory(Path.Combine(configDir, "weights"));
        File.Copy(DynamoServer.DefaultModel, Path.Combine(configDir, "weights", "stories.gguf"));
        var config = Path.Combine(configDir, "dynamo.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Dynamo = new { Models = new[] { new { Name = "stories260K", Path = "weights/stories.gguf", Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" } } },
        }));
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "cwd")).FullName;

        var text = await ServeAsync(host, elsewhere, "--config", config);

        Assert.Equal(await ReferenceAsync(), text);
    }
}
