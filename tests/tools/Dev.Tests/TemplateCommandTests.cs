using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary><c>dynamo template render</c>, in process, with the jinja plugin loaded from the plugin folder.</summary>
public sealed class TemplateCommandTests
{
    private static string Qwen => SharedFixtures.Require("templates", "Qwen-Qwen2.5-7B-Instruct.jinja");

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string stdin, params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var code = await TemplateCommand.RunAsync([.. args, $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}", "--Logging:LogLevel:Default=Warning"],
            new StringReader(stdin), output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [SkippableFact]
    public async Task RendersOneRequestExactlyWithNoAddedNewline()
    {
        var (code, output, _) = await RunAsync("""{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hello!"}],"add_generation_prompt":false}""",
            "render", "--template", Qwen);
        Assert.Equal(0, code);
        Assert.Equal("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n", output);
    }

    [SkippableFact]
    public async Task JsonlGivesOneResultLinePerRequestAndErrorsInPlace()
    {
        var input = string.Join("\n",
            """{"id":"a","messages":[{"role":"user","content":"Hi é"}]}""",
            """{"id":7,"messages":[]}""",
            "not json",
            """{"id":"d","messages":[{"role":"user","content":"x"}],"chat_template_kwargs":{"enable_thinking":false}}""");
        var (code, output, _) = await RunAsync(input, "render", "--template", Qwen, "--jsonl");
        Assert.Equal(1, code);
        var lines = output.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal("a", lines[0].GetProperty("id").GetString());
        Assert.EndsWith("<|im_start|>user\nHi é<|im_end|>\n<|im_start|>assistant\n", lines[0].GetProperty("prompt").GetString());
        Assert.Equal(7, lines[1].GetProperty("id").GetInt32());
        Assert.Contains("'messages' must be a non-empty array", lines[1].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, lines[2].GetProperty("id").ValueKind);
        Assert.True(lines[2].TryGetProperty("error", out _));
        Assert.True(lines[3].TryGetProperty("prompt", out _));
    }

    [SkippableFact]
    public async Task AModelPathUsesItsOwnTemplateAndSpecialTokens()
    {
        var (code, output, errors) = await RunAsync("""{"messages":[{"role":"user","content":"Hi"}]}""",
            "render", "--model", SharedFixtures.Require("vocab", "ggml-vocab-phi-3.gguf"));
        Assert.True(code == 0, errors);
        Assert.Equal("<s><|user|>\nHi<|end|>\n<|assistant|>\n", output);
    }

    [SkippableFact]
    public async Task ARefusalIsAnErrorOnStderr()
    {
        var (code, output, errors) = await RunAsync("""{"messages":[{"role":"system","content":"x"},{"role":"user","content":"y"}]}""",
            "render", "--template", SharedFixtures.Require("templates", "google-gemma-2-2b-it.jinja"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("System role not supported", errors);
    }
}
