using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>Finds JSON strings that cannot become .NET text: an escaped UTF-16 surrogate without its pair.</summary>
internal static class JsonStrings
{
    /// <returns>The path of the first such string (<c>messages[0].content</c>), or null. Invalid JSON is left to the deserializer.</returns>
    public static string? FindUnpairedSurrogate(ReadOnlySequence<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        // Per open container: the current property name (objects) or the next index (arrays).
        var path = new List<(string? Property, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add((null, reader.TokenType == JsonTokenType.StartArray ? 0 : -1));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        Advance(path);
                        continue;
                    case JsonTokenType.PropertyName:
                        path[^1] = (reader.GetString(), -1);
                        continue;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        reader.GetString();
                        break;
                }
                Advance(path);
            }
        }
        catch (InvalidOperationException)
        {
            return Describe(path, reader.TokenType == JsonTokenType.PropertyName);
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static void Advance(List<(string? Property, int Index)> path)
    {
        if (path.Count > 0 && path[^1].Index >= 0)
            path[^1] = (null, path[^1].Index + 1);
    }

    private static string Describe(List<(string? Property, int Index)> path, bool inPropertyName)
    {
        var text = new StringBuilder();
        foreach (var (property, index) in path)
        {
            if (index >= 0)
                text.Append('[').Append(index).Append(']');
            else if (property is not null)
                text.Append(text.Length > 0 ? "." : "").Append(property);
        }
        return inPropertyName ? (text.Length > 0 ? text + " (a key)" : "(a key)") : text.ToString();
    }
}
