using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>The JSON contract used on the wire: <see cref="OpenAiJsonContext"/> with text left readable (no \u0027 for quotes).</summary>
internal static class OpenAiJson
{
    public static OpenAiJsonContext Context { get; } = new(new JsonSerializerOptions(OpenAiJsonContext.Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
