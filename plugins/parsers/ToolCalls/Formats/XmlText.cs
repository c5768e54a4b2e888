using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

internal static class XmlText
{
    /// <summary>Text as the model wrote it: no \u escapes for non-ASCII.</summary>
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Whether the whole text is one JSON value (a number at the very end included, which a growing scan cannot tell).</summary>
    public static bool IsJson(string text)
    {
        if (text.Length == 0)
            return false;
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
}
