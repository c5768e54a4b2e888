using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

internal static class XmlText
{
    /// <summary>Text as the model wrote it: no \u escapes for non-ASCII.</summary>
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
