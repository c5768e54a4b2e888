using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dynamo.Host.Anthropic;

/// <summary>Source-generated JSON for the Messages API: snake_case, nulls left out unless a type says otherwise.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(MessageOut))]
[JsonSerializable(typeof(CountTokensOut))]
[JsonSerializable(typeof(AnthropicErrorBody))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageDeltaEvent))]
[JsonSerializable(typeof(TypeOnlyEvent))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;

/// <summary>The Messages API's JSON on the wire: <see cref="AnthropicJsonContext"/> with text left readable (no \u0027 for quotes).</summary>
internal static class AnthropicJson
{
    public static AnthropicJsonContext Context { get; } = new(new JsonSerializerOptions(AnthropicJsonContext.Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
