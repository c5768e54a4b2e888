using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dynamo.Distributed;

/// <summary>How the runtime's messages are written on NATS: compact JSON, enums by name. Only nulls are left out: a record's own defaults (temperature 1) differ from the type's.</summary>
internal static class WireJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <exception cref="FormatException">Not a <typeparamref name="T"/>.</exception>
    public static T Read<T>(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new FormatException($"Empty {typeof(T).Name} message.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Malformed {typeof(T).Name} message: {ex.Message}", ex);
        }
    }
}
