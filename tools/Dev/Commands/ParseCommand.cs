using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Plugins;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev parse tool-calls|reasoning --parser NAME</c>: runs a parser plugin over model output
/// from stdin, one-shot or (with <c>--chunks N</c> / <c>--random-chunks SEED</c>) streamed in
/// pieces and added up, so parser authors can check both paths on whole files of cases.
/// </summary>
internal static class ParseCommand
{
    private const string Usage = "usage: dynamo-dev parse (tool-calls [--tools FILE] | reasoning [--thinking on|off]) --parser NAME [--jsonl] [--chunks N | --random-chunks SEED] < output.txt";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        var kind = args.FirstOrDefault();
        if (kind is not ("tool-calls" or "reasoning"))
            throw new DynamoConfigurationException(Usage);
        var rest = args[1..];
        (var parserName, rest) = DynamoConfiguration.TakeOption(rest, "--parser");
        (var toolsFile, rest) = DynamoConfiguration.TakeOption(rest, "--tools");
        (var chunksText, rest) = DynamoConfiguration.TakeOption(rest, "--chunks");
        (var seedText, rest) = DynamoConfiguration.TakeOption(rest, "--random-chunks");
        (var thinkingText, rest) = DynamoConfiguration.TakeOption(rest, "--thinking");
        var jsonl = rest.Contains("--jsonl");
        rest = rest.Where(a => a != "--jsonl").ToArray();
        if (parserName is null)
            throw new DynamoConfigurationException(Usage);
        int? chunks = chunksText is null ? null : Arguments.Int(chunksText, "--chunks");
        int? seed = seedText is null ? null : Arguments.Int(seedText, "--random-chunks");
        var thinking = thinkingText switch
        {
            null => ReasoningRequest.Default,
            "on" => ReasoningRequest.WithThinking(true),
            "off" => ReasoningRequest.WithThinking(false),
            _ => throw new DynamoConfigurationException($"--thinking must be on or off, got '{thinkingText}'."),
        };
        Func<string, IReadOnlyList<string>> cut = chunks is { } size ? text => Fixed(text, size)
            : seed is { } s ? text => Random(text, s)
            : text => [text];

        using var app = ToolHost.Build(rest);
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        var context = new ComponentContext("parse", parserName, new ConfigurationBuilder().Build(), app.Services);
        var tools = toolsFile is null ? [] : ChatMessageConverter.Tools(JsonSerializer.Deserialize(File.ReadAllText(toolsFile), DevJson.Default.ListToolBody));
        // One parser for the whole run; each input gets its own stream parser.
        Func<string, IReadOnlyList<ToolDefinition>, ReasoningRequest, Action<Utf8JsonWriter>> parse;
        if (kind == "tool-calls")
        {
            var parser = registry.Create<IToolCallParser>(ComponentKind.ToolCallParser, context);
            parse = (text, t, _) => ToolCalls(parser, cut(text), t);
        }
        else
        {
            var parser = registry.Create<IReasoningParser>(ComponentKind.ReasoningParser, context);
            parse = (text, _, r) => Reasoning(parser, cut(text), r);
        }

        if (!jsonl)
        {
            await output.WriteLineAsync(JsonLine.Object(parse(await input.ReadToEndAsync(), tools, thinking)));
            return 0;
        }
        while (await input.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            await output.WriteLineAsync(Line(line, parse, tools, thinking));
        }
        return 0;
    }

    // One --jsonl line: its result, or an error line for its id (a bad line never stops the run).
    private static string Line(string line, Func<string, IReadOnlyList<ToolDefinition>, ReasoningRequest, Action<Utf8JsonWriter>> parse, IReadOnlyList<ToolDefinition> tools, ReasoningRequest thinking)
    {
        ParseRequest? request = null;
        try
        {
            request = JsonSerializer.Deserialize(line, DevJson.Default.ParseRequest)
                ?? throw new JsonException("the line is null, not {\"id\":…, \"text\":…}.");
            var lineTools = request.Tools is null ? tools : ChatMessageConverter.Tools(request.Tools);
            var reasoning = request.ChatTemplateKwargs is { } kwargs ? new ReasoningRequest(kwargs) : thinking;
            return JsonLine.Object(parse(request.Text ?? "", lineTools, reasoning), request.Id, withId: true);
        }
        catch (Exception ex) when (ex is JsonException or DynamoRequestException or InvalidOperationException)
        {
            return JsonLine.Object(w => w.WriteString("error", ex.Message), request?.Id ?? JsonLine.IdOf(line), withId: true);
        }
    }

    private static Action<Utf8JsonWriter> ToolCalls(IToolCallParser parser, IReadOnlyList<string> chunks, IReadOnlyList<ToolDefinition> tools)
    {
        var stream = parser.CreateStreamParser(tools);
        var content = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        // Finish only after every push (an eager Append(stream.Finish()) would run it first).
        foreach (var delta in chunks.Select(stream.Push).Concat(Later(stream.Finish)))
        {
            content.Append(delta.Content);
            foreach (var chunk in delta.Calls)
            {
                if (chunk.Id is not null)
                    calls[chunk.Index] = (chunk.Id, chunk.Name ?? "", new StringBuilder());
                calls[chunk.Index].Arguments.Append(chunk.ArgumentsDelta);
            }
        }
        return w =>
        {
            w.WriteString("normal_text", content.Length > 0 ? content.ToString() : null);
            w.WriteStartArray("calls");
            foreach (var (id, name, arguments) in calls.Values)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WritePropertyName("arguments");
                if (JsonLine.IsJson(arguments.ToString()))
                    w.WriteRawValue(arguments.ToString());
                else
                    w.WriteStringValue(arguments.ToString()); // not JSON (cut short): shown as the text it is
                w.WriteEndObject();
            }
            w.WriteEndArray();
        };
    }

    private static Action<Utf8JsonWriter> Reasoning(IReasoningParser parser, IReadOnlyList<string> chunks, ReasoningRequest request)
    {
        var stream = parser.CreateStreamParser(request);
        var (reasoning, content) = (new StringBuilder(), new StringBuilder());
        foreach (var delta in chunks.Select(stream.Push).Concat(Later(stream.Finish)))
        {
            reasoning.Append(delta.Reasoning);
            content.Append(delta.Content);
        }
        return w =>
        {
            w.WriteString("reasoning", reasoning.Length > 0 ? reasoning.ToString() : null);
            w.WriteString("content", content.Length > 0 ? content.ToString() : null);
        };
    }

    private static IEnumerable<T> Later<T>(Func<T> last)
    {
        yield return last();
    }

    private static List<string> Fixed(string text, int size) =>
        Enumerable.Range(0, (text.Length + size - 1) / Math.Max(1, size)).Select(i => text.Substring(i * size, Math.Min(size, text.Length - i * size))).ToList();

    private static List<string> Random(string text, int seed)
    {
        var random = new Random(seed);
        var chunks = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var length = Math.Min(text.Length - i, random.Next(1, 9));
            chunks.Add(text.Substring(i, length));
            i += length;
        }
        return chunks;
    }
}
