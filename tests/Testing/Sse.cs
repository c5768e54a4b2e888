using System.Text.Json;

namespace Dynamo.Testing;

/// <summary>Reads an SSE response the way an OpenAI client does.</summary>
public static class Sse
{
    /// <summary>Every <c>data:</c> payload, in order, up to and including <c>[DONE]</c>.</summary>
    public static async Task<List<string>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add(line["data: ".Length..]);
            else
                Assert.Equal("", line); // events are separated by one blank line
        }
        return events;
    }

    /// <summary>Every event of a stream whose events are named (Anthropic's, the Responses API's): its name and its data.</summary>
    public static async Task<List<(string Name, JsonElement Data)>> ReadNamedAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonElement)>();
        string? name = null;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.NotNull(name); // every data line comes after its event's name
                events.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                name = null;
            }
            else
                Assert.Equal("", line);
        }
        return events;
    }

    public static List<JsonElement> Json(IEnumerable<string> events) =>
        events.TakeWhile(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
}
