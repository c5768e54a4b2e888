using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Responses;

/// <summary>The Responses API on the wire, shaped as Codex sends it: numbered events, namespace and custom tools, hosted tools left out, encrypted reasoning, prefix reuse.</summary>
public sealed class ResponsesStreamTests : IAsyncLifetime
{
    private const string Calls = "<think>Patch, then read.</think>Patching now. "
        + """<tool_call>{"name": "apply_patch", "arguments": {"input": "*** Begin Patch\n*** End Patch"}}</tool_call>"""
        + """<tool_call>{"name": "mcp__fs__read_file", "arguments": {"path": "a.txt"}}</tool_call>""";

    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            Models = new[]
            {
                TestConfigs.Model("codex", new { Name = "mocker", DecodeItlMs = 0, KvBlockSize = 16, MaxContextLength = 65536, Script = new[] { Calls, "Still waiting.", "Patched and read." } },
                    new { ToolCallParser = "hermes", ReasoningParser = "basic" }),
            },
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A body as Codex 0.171 builds one: developer and user messages, function, namespace, custom and hosted tools, store off.</summary>
    private static JsonObject CodexBody(JsonArray input) => new()
    {
        ["model"] = "codex",
        ["instructions"] = string.Join(" ", Enumerable.Repeat("You are Codex, a coding agent. Follow the repository's conventions.", 10)),
        ["input"] = input.DeepClone(),
        ["tools"] = JsonNode.Parse("""
            [
              {"type": "function", "name": "shell", "description": "Run a command.", "strict": false, "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}, "required": ["command"]}},
              {"type": "namespace", "name": "mcp__fs", "description": "Files.", "tools": [{"type": "function", "name": "read_file", "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}]},
              {"type": "custom", "name": "apply_patch", "description": "Apply a patch.", "format": {"type": "grammar", "syntax": "lark", "definition": "start: /.+/"}},
              {"type": "web_search", "external_web_access": false}
            ]
            """),
        ["tool_choice"] = "auto",
        ["parallel_tool_calls"] = true,
        ["reasoning"] = new JsonObject { ["effort"] = "medium", ["summary"] = "auto" },
        ["store"] = false,
        ["stream"] = true,
        ["include"] = new JsonArray("reasoning.encrypted_content"),
        ["prompt_cache_key"] = "codex-session-1",
        ["client_metadata"] = new JsonObject { ["originator"] = "codex_exec" },
        ["text"] = new JsonObject { ["verbosity"] = "medium" },
    };

    private static JsonArray FirstInput() =>
    [
        new JsonObject { ["type"] = "message", ["role"] = "developer", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = "<permissions>workspace-write</permissions>" }) },
        new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = "Fix the bug in a.txt." }) },
    ];

    private async Task<(HttpResponseMessage Response, List<(string Name, JsonElement Data)> Events)> StreamAsync(JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("session-id", "codex-session-1");
        request.Headers.Add("originator", "codex_exec");
        var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, await Sse.ReadNamedAsync(response));
    }

    [Fact]
    public async Task A_codex_turn_streams_numbered_events_items_in_order_and_the_completed_response_last()
    {
        var (response, events) = await StreamAsync(CodexBody(FirstInput()));
        using (response)
            Assert.Equal("web_search", response.Headers.GetValues("x-dynamo-ignored-tools").Single());

        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        foreach (var (name, data) in events)
            Assert.Equal(name, data.GetProperty("type").GetString());
        Assert.Equal(["response.created", "response.in_progress"], events.Take(2).Select(e => e.Name));
        Assert.Equal("response.completed", events[^1].Name);

        // Each item: added, its own events, done; the next item only after.
        var done = new List<JsonElement>();
        int? open = null;
        foreach (var (name, data) in events.Skip(2).SkipLast(1))
        {
            var index = data.GetProperty("output_index").GetInt32();
            if (name == "response.output_item.added")
            {
                Assert.Null(open);
                Assert.Equal(done.Count, index);
                open = index;
                if (data.GetProperty("item").TryGetProperty("status", out var status)) // reasoning items carry none
                    Assert.Equal("in_progress", status.GetString());
                continue;
            }
            Assert.Equal(open, index);
            if (name == "response.output_item.done")
            {
                done.Add(data.GetProperty("item"));
                open = null;
            }
        }
        Assert.Null(open);
        Assert.Equal(["reasoning", "message", "custom_tool_call", "function_call"], done.Select(i => i.GetProperty("type").GetString()));

        var names = events.Select(e => e.Name).ToList();
        Assert.True(names.IndexOf("response.reasoning_summary_part.added") < names.IndexOf("response.reasoning_summary_text.delta"));
        Assert.True(names.IndexOf("response.reasoning_summary_text.done") < names.IndexOf("response.reasoning_summary_part.done"));
        Assert.True(names.IndexOf("response.content_part.added") < names.IndexOf("response.output_text.delta"));
        Assert.True(names.IndexOf("response.output_text.done") < names.IndexOf("response.content_part.done"));
        Assert.True(names.IndexOf("response.custom_tool_call_input.delta") < names.IndexOf("response.custom_tool_call_input.done"));
        Assert.True(names.IndexOf("response.function_call_arguments.delta") < names.IndexOf("response.function_call_arguments.done"));

        Assert.Equal("Patch, then read.", done[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.StartsWith("dynamo.", done[0].GetProperty("encrypted_content").GetString());
        Assert.Equal("Patching now.", done[1].GetProperty("content")[0].GetProperty("text").GetString()!.Trim());
        Assert.Equal("apply_patch", done[2].GetProperty("name").GetString());
        Assert.Equal("*** Begin Patch\n*** End Patch", done[2].GetProperty("input").GetString()); // the freeform input itself, not JSON
        Assert.Equal("read_file", done[3].GetProperty("name").GetString());
        Assert.Equal("mcp__fs", done[3].GetProperty("namespace").GetString());
        Assert.NotEqual(done[2].GetProperty("call_id").GetString(), done[3].GetProperty("call_id").GetString());
        Assert.Equal("a.txt", JsonDocument.Parse(done[3].GetProperty("arguments").GetString()!).RootElement.GetProperty("path").GetString());

        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(done.Select(i => i.GetProperty("id").GetString()), completed.GetProperty("output").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var usage = completed.GetProperty("usage");
        Assert.True(usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Turn_two_sends_everything_back_and_reuses_turn_one_cache()
    {
        var input = FirstInput();
        var (first, events) = await StreamAsync(CodexBody(input));
        first.Dispose();
        var firstResponse = events[^1].Data.GetProperty("response");
        var firstPrompt = firstResponse.GetProperty("usage").GetProperty("input_tokens").GetInt32();
        var output = firstResponse.GetProperty("output").EnumerateArray().ToList();

        // As Codex does with store off: every output item back (the reasoning as its encrypted content), then the tools' outputs.
        foreach (var item in output)
            input.Add(JsonNode.Parse(item.GetRawText()));
        input.Add(new JsonObject { ["type"] = "custom_tool_call_output", ["call_id"] = output[2].GetProperty("call_id").GetString(), ["output"] = "Success." });
        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = output[3].GetProperty("call_id").GetString(), ["output"] = "hello" });
        var (second, secondEvents) = await StreamAsync(CodexBody(input));
        second.Dispose();

        var response = secondEvents[^1].Data.GetProperty("response");
        Assert.Equal("Patched and read.", response.GetProperty("output").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "message")
            .GetProperty("content")[0].GetProperty("text").GetString());
        var cached = response.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.True(cached >= firstPrompt / 16 * 16 - 16, $"turn 2 read {cached} cached tokens of turn 1's {firstPrompt}");
    }

    [Fact]
    public async Task Encrypted_reasoning_sent_back_reaches_the_prompt_as_the_assistant_turn_reasoning()
    {
        var effort = new Dynamo.Runtime.Pipeline.ReasoningEfforts(Microsoft.Extensions.Options.Options.Create(new Dynamo.Runtime.Configuration.DynamoOptions()));
        var sealedText = Dynamo.Host.Responses.ReasoningCipher.Seal("I should read the file first.");
        var body = JsonSerializer.Deserialize(JsonSerializer.Serialize(new
        {
            model = "codex",
            input = new object[]
            {
                new { type = "message", role = "user", content = "Fix it." },
                new { type = "reasoning", id = "rs_1", summary = Array.Empty<object>(), encrypted_content = sealedText },
                new { type = "function_call", call_id = "call_1", name = "shell", arguments = """{"command":["cat","a.txt"]}""" },
                new { type = "function_call_output", call_id = "call_1", output = "hello" },
            },
        }), Dynamo.Host.Responses.ResponsesJson.Context.ResponsesRequest)!;

        var converted = Dynamo.Host.Responses.ResponsesRequests.ToChat(body, [], effort);
        var assistant = converted.Request.Messages.Single(m => m.Role == "assistant");
        Assert.Equal("I should read the file first.", assistant.ReasoningContent);
        Assert.Equal("shell", Assert.Single(assistant.ToolCalls!).Name);
        Assert.Null(Dynamo.Host.Responses.ReasoningCipher.Open("gAAAAABo-another-servers-ciphertext"));
    }
}
