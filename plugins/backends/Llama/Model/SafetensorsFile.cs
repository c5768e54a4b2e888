using System.Text.Json;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// A <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the data. Only the tensors asked for are read.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    internal sealed record Entry(string Name, GgmlType Type, long[] Shape, long Start, long End);

    private readonly FileStream _stream;
    private readonly long _dataStart;

    public string Path { get; }

    public IReadOnlyDictionary<string, Entry> Tensors { get; }

    private SafetensorsFile(string path, FileStream stream, long dataStart, Dictionary<string, Entry> tensors) =>
        (Path, _stream, _dataStart, Tensors) = (path, stream, dataStart, tensors);

    public static SafetensorsFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var lengthBytes = new byte[8];
            if (stream.Read(lengthBytes) != 8)
                throw new GgufFormatException(path, "not a safetensors file (shorter than its header length).");
            var headerLength = BitConverter.ToInt64(lengthBytes);
            if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > stream.Length)
                throw new GgufFormatException(path, $"not a safetensors file (header length {headerLength}).");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var tensors = new Dictionary<string, Entry>(StringComparer.Ordinal);
            using var json = JsonDocument.Parse(header);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                    continue;
                var dtype = property.Value.GetProperty("dtype").GetString();
                var type = dtype switch
                {
                    "F32" => GgmlType.F32,
                    "F16" => GgmlType.F16,
                    "BF16" => GgmlType.BF16,
                    _ => throw new GgufFormatException(path, $"tensor '{property.Name}' has dtype {dtype}; F32, F16 and BF16 are supported."),
                };
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var entry = new Entry(property.Name, type, shape, offsets[0], offsets[1]);
                if (entry.End - entry.Start != shape.Aggregate(1L, (a, b) => a * b) * (type == GgmlType.F32 ? 4 : 2))
                    throw new GgufFormatException(path, $"tensor '{property.Name}': its byte range does not match its shape and dtype.");
                if (8 + headerLength + entry.End > stream.Length)
                    throw new GgufFormatException(path, $"the file is truncated: tensor '{property.Name}' ends past the end of the file.");
                tensors[property.Name] = entry;
            }
            return new SafetensorsFile(path, stream, 8 + headerLength, tensors);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            stream.Dispose();
            throw new GgufFormatException(path, $"the safetensors header is not valid: {ex.Message}");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public byte[] Read(Entry entry)
    {
        var bytes = new byte[entry.End - entry.Start];
        _stream.Position = _dataStart + entry.Start;
        _stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose() => _stream.Dispose();
}
