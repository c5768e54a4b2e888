using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dynamo.Dev.Commands;

/// <summary>One JSON object written the way the authoring commands print results: text as is, no \u escapes.</summary>
internal static class JsonLine
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="id">An input line's id, written first when given (null stays null).</param>
    public static string Object(Action<Utf8JsonWriter> body, JsonElement? id = null, bool withId = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed))
        {
            writer.WriteStartObject();
            if (withId)
            {
                writer.WritePropertyName("id");
                if (id is { } value)
                    value.WriteTo(writer);
                else
                    writer.WriteNullValue();
            }
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The id of an input line whose body did not read, when the line is at least a JSON object holding one.</summary>
    public static JsonElement? IdOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id) ? id.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
