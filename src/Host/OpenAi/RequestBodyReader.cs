using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dynamo.Runtime.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Dynamo.Host.OpenAi;

/// <summary>Reads a JSON body under the configured size limit, turning every failure into a 400 (or 413) that names the field.</summary>
internal sealed class RequestBodyReader(long maxBodyBytes)
{
    // A body over the limit is still read (and discarded) up to this much more, so the client gets
    // its 413 on an intact connection instead of a reset while it is still sending.
    private const long DrainBytes = 1 << 20;

    /// <param name="raw">Given the body as parsed JSON too, once it is valid (the request trace's payload record).</param>
    public async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, Action<JsonElement>? raw = null)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBodyBytes + DrainBytes;
        if (request.ContentLength > maxBodyBytes)
        {
            await DrainAsync(request.BodyReader, cancellationToken);
            throw TooLarge();
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > maxBodyBytes)
            {
                reader.AdvanceTo(buffer.End);
                await DrainAsync(reader, cancellationToken);
                throw TooLarge();
            }
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            try
            {
                var body = Deserialize(buffer, typeInfo);
                if (raw is not null)
                {
                    using var document = JsonDocument.Parse(buffer);
                    raw(document.RootElement.Clone());
                }
                return body;
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    private static T Deserialize<T>(ReadOnlySequence<byte> utf8, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            // Checked up front: fields kept as raw JSON would otherwise fail only when read, deep in the pipeline.
            if (JsonStrings.FindUnpairedSurrogate(utf8) is { } at)
                throw DynamoRequestException.BadRequest($"'{at}' is not valid text: it holds an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF).", at);
            var json = new Utf8JsonReader(utf8);
            var body = JsonSerializer.Deserialize(ref json, typeInfo);
            json.Read(); // throws if anything but whitespace follows the value
            return body is null or JsonElement { ValueKind: JsonValueKind.Null }
                ? throw DynamoRequestException.BadRequest("The request body must be a JSON object.")
                : body;
        }
        catch (JsonException ex)
        {
            throw Invalid(ex, typeInfo);
        }
    }

    private static async Task DrainAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    return;
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain allowance: Kestrel closes the connection after the 413.
        }
    }

    private DynamoRequestException TooLarge() => new(RequestErrorKind.TooLarge,
        $"The request body is larger than the limit of {maxBodyBytes} bytes (Dynamo:MaxRequestBodyBytes).", null, "request_too_large");

    private static DynamoRequestException Invalid(JsonException ex, JsonTypeInfo root)
    {
        // Syntax errors carry the reader's exception; type mismatches name the field in Path.
        var param = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        if (ex.InnerException is JsonException || param is null)
            return DynamoRequestException.BadRequest($"The request body is not valid JSON: {ex.Message}");
        return DynamoRequestException.BadRequest($"Invalid type for '{param}': expected {Describe(TypeAt(root, param))}.", param);
    }

    /// <summary>The declared .NET type at a JSON path such as <c>messages[0].content</c>, walking the contract's metadata.</summary>
    private static Type? TypeAt(JsonTypeInfo root, string path)
    {
        Type? type = root.Type;
        foreach (var segment in path.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type is null ? null : root.Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name);
            type = property?.PropertyType;
            for (var depth = segment.Count(c => c == '['); depth > 0 && type is not null; depth--)
                type = ElementType(type);
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "another type",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(float) || type == typeof(double) => "a number",
            _ when type == typeof(bool) => "a boolean",
            _ when type == typeof(string) => "a string",
            _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) => "an object",
            _ when ElementType(type) is not null => "an array",
            _ => "an object",
        };
    }
}
