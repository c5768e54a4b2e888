using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>What the HTTP benchmarks share: an in-process host on a free port, a timed streamed turn, percentiles.</summary>
internal static class BenchClient
{
    /// <summary>Starts a host serving <paramref name="config"/> (an object written as its configuration file) on a loopback port.</summary>
    /// <param name="arguments">More host arguments (<c>--Dynamo:Key=Value</c>, <c>--distributed</c>).</param>
    public static async Task<(WebApplication App, HttpClient Http, string ConfigFile)> StartHostAsync(object config, params string[] arguments)
    {
        var file = await WriteConfigAsync(config);
        var (app, http) = await StartHostAsync(file, arguments);
        return (app, http, file);
    }

    /// <summary>Writes <paramref name="config"/> as a configuration file in the temp folder; returns its path.</summary>
    public static async Task<string> WriteConfigAsync(object config)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dynamo-bench-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(config));
        return file;
    }

    /// <summary>Starts a host serving the configuration file <paramref name="configFile"/> on a loopback port.</summary>
    public static async Task<(WebApplication App, HttpClient Http)> StartHostAsync(string configFile, params string[] arguments)
    {
        var app = DynamoApplication.Build(["--config", configFile, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. arguments]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) });
    }

    /// <summary>Waits until <paramref name="model"/> has <paramref name="count"/> workers registered with the host (90 s at most).</summary>
    /// <param name="exited">Whether a process that should register has exited: no use waiting then.</param>
    /// <param name="diagnostics">What to show when it fails (the processes' output).</param>
    public static async Task WaitForWorkersAsync(WebApplication app, string model, int count, Func<bool> exited, Func<string> diagnostics)
    {
        var served = app.Services.GetRequiredService<Dynamo.Runtime.Models.ModelRegistry>().Find(model)!;
        for (var waited = 0; served.Workers.Count < count; waited += 100)
        {
            if (waited > 90_000 || exited())
                throw new DynamoConfigurationException($"Only {served.Workers.Count} of {count} workers registered:\n{diagnostics()}");
            await Task.Delay(100);
        }
    }

    /// <summary>One streamed chat turn: time to the first generated text, the gaps between text chunks, the answer (content) and the usage.</summary>
    /// <param name="nvext">Dynamo's request extension to send (hints, context), or null.</param>
    public static async Task<(double Ttft, List<double> Gaps, string Answer, (long Prompt, long Completion, long Cached) Usage)> TurnAsync(
        HttpClient http, string model, IReadOnlyList<object> messages, object? nvext = null, int? maxTokens = null)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model, messages, stream = true, stream_options = new { include_usage = true }, max_tokens = maxTokens, nvext }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? ttft = null;
        var last = 0.0;
        var gaps = new List<double>();
        var answer = new StringBuilder();
        (long, long, long) usage = default;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            using var chunk = JsonDocument.Parse(line[6..]);
            var root = chunk.RootElement;
            usage = Usage(root) ?? usage;
            if (root.GetProperty("choices") is not { ValueKind: JsonValueKind.Array } choices || choices.GetArrayLength() == 0)
                continue;
            // Reasoning counts as generated text for the timings; only content is the answer a harness sends back.
            var delta = choices[0].GetProperty("delta");
            var text = delta.TryGetProperty("content", out var content) ? content.GetString() : null;
            var reasoning = delta.TryGetProperty("reasoning_content", out var r) ? r.GetString() : null;
            if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(reasoning))
                continue;
            var now = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (ttft is null)
                ttft = now;
            else
                gaps.Add(now - last);
            last = now;
            answer.Append(text);
        }
        return (ttft ?? throw new InvalidOperationException("no content streamed"), gaps, answer.ToString(), usage);
    }

    /// <summary>A streamed chunk's usage (prompt, completion and cached tokens), when it carries one; an error chunk throws.</summary>
    public static (long Prompt, long Completion, long Cached)? Usage(JsonElement chunk)
    {
        if (chunk.TryGetProperty("error", out var error))
            throw new InvalidOperationException(error.ToString());
        return chunk.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
            ? (u.GetProperty("prompt_tokens").GetInt64(), u.GetProperty("completion_tokens").GetInt64(),
                u.TryGetProperty("prompt_tokens_details", out var d) && d.ValueKind == JsonValueKind.Object ? d.GetProperty("cached_tokens").GetInt64() : 0)
            : null;
    }

    public static string Words(Random random, int characters)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder(characters);
        while (text.Length < characters)
            text.Append(random.Next(8) == 0 ? ' ' : letters[random.Next(letters.Length)]);
        return text.ToString();
    }

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(p * (sorted.Count - 1))];
    }

    public static string Percentiles(List<double> values) => $"{Percentile(values, 0.5),7:F0} / {Percentile(values, 0.9),6:F0} / {Percentile(values, 0.99),6:F0}";
}
