using System.Text.Json;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Plugins;

using Dynamo.Runtime.Errors;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev template render (--template FILE | --model PATH) [--jsonl]</c>: renders request
/// bodies from stdin through a chat template exactly as the server would, for template authors.
/// </summary>
internal static class TemplateCommand
{
    private const string Usage = "usage: dynamo-dev template render (--template FILE | --model PATH) [--jsonl] < request.json";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter errors)
    {
        if (args.FirstOrDefault() != "render")
            throw new DynamoConfigurationException(Usage);
        var rest = args[1..];
        (var templateFile, rest) = DynamoConfiguration.TakeOption(rest, "--template");
        (var modelPath, rest) = DynamoConfiguration.TakeOption(rest, "--model");
        var jsonl = rest.Contains("--jsonl");
        rest = rest.Where(a => a != "--jsonl").ToArray();
        if ((templateFile is null) == (modelPath is null))
            throw new DynamoConfigurationException(Usage);

        using var app = ToolHost.Build(rest);
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        ComponentContext Context(string name, Dictionary<string, string?> options) =>
            new("template", name, new ConfigurationBuilder().AddInMemoryCollection(options).Build(), app.Services) { ModelPath = modelPath };
        var tokenizer = modelPath is null ? null : registry.Create<ITokenizer>(ComponentKind.Tokenizer, Context("gguf", []));
        var template = registry.Create<IChatTemplate>(ComponentKind.ChatTemplate,
            Context("jinja", templateFile is null ? [] : new() { ["TemplateFile"] = templateFile }) with { Tokenizer = tokenizer });

        if (!jsonl)
        {
            var (prompt, error) = Render(await input.ReadToEndAsync(), template, tokenizer);
            if (error is not null)
            {
                await errors.WriteLineAsync($"dynamo: {error}");
                return 1;
            }
            await output.WriteAsync(prompt);
            return 0;
        }
        var failures = 0;
        while (await input.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var (prompt, error) = Render(line, template, tokenizer);
            failures += error is null ? 0 : 1;
            await output.WriteLineAsync(JsonLine.Object(w => w.WriteString(error is null ? "prompt" : "error", error ?? prompt), JsonLine.IdOf(line), withId: true));
        }
        return failures == 0 ? 0 : 1;
    }

    private static (string? Prompt, string? Error) Render(string json, IChatTemplate template, ITokenizer? tokenizer)
    {
        try
        {
            var request = JsonSerializer.Deserialize(json, DevJson.Default.TemplateRenderRequest)
                ?? throw DynamoRequestException.BadRequest("the request must be a JSON object.");
            var tools = ChatMessageConverter.Tools(request.Tools);
            return (template.Render(new ChatTemplateInput(
                ChatMessageConverter.Messages(request.Messages), tools.Count > 0 ? tools : null, request.AddGenerationPrompt ?? true,
                request.BosToken ?? tokenizer?.BosToken, request.EosToken ?? tokenizer?.EosToken, request.ChatTemplateKwargs)), null);
        }
        catch (Exception e) when (e is JsonException or DynamoRequestException or ChatTemplateException)
        {
            return (null, e.Message);
        }
    }
}
