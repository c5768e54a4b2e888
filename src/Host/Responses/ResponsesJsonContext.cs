using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dynamo.Host.Responses;

/// <summary>Source-generated JSON for the Responses API: snake_case, nulls left out unless a type says otherwise.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(ResponseObject))]
[JsonSerializable(typeof(StreamEvent))]
[JsonSerializable(typeof(StreamError))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(string))]
internal sealed partial class ResponsesJsonContext : JsonSerializerContext;

/// <summary>The Responses API's JSON on the wire, text left readable.</summary>
internal static class ResponsesJson
{
    public static ResponsesJsonContext Context { get; } = new(new JsonSerializerOptions(ResponsesJsonContext.Default.Options)
    {
        TypeInfoResolver = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
