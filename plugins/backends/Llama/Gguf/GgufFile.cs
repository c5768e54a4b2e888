using System.IO.MemoryMappedFiles;
using System.Text;

namespace Dynamo.Backends.Llama.Gguf;

/// <summary>
/// A GGUF file (llama.cpp's format, version 2 or 3): metadata, the tensor table, and the tensor
/// data memory-mapped read-only, so opening a large file costs no copy.
/// </summary>
internal sealed unsafe class GgufFile : IDisposable
{
    private const uint Magic = 0x46554747; // "GGUF"
    private const int MaxArrayLength = 1 << 28;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataOffset;

    public string Path { get; }

    public uint Version { get; }

    public IReadOnlyDictionary<string, object> Metadata { get; }

    public IReadOnlyDictionary<string, GgufTensorInfo> Tensors { get; }

    private GgufFile(string path, uint version, Dictionary<string, object> metadata, Dictionary<string, GgufTensorInfo> tensors, long dataOffset)
    {
        (Path, Version, Metadata, Tensors, _dataOffset) = (path, version, metadata, tensors, dataOffset);
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    /// <exception cref="GgufFormatException">Not a GGUF file, truncated, or inconsistent.</exception>
    public static GgufFile Open(string path)
    {
        if (!File.Exists(path))
            throw new GgufFormatException(path, "the file does not exist.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (stream.Length < 24 || reader.ReadUInt32() != Magic)
                throw new GgufFormatException(path, "not a GGUF file (no 'GGUF' magic at the start).");
            var version = reader.ReadUInt32();
            if (version is not (2 or 3))
                throw new GgufFormatException(path, $"GGUF version {version} is not supported (2 and 3 are).");
            var tensorCount = reader.ReadUInt64();
            var metadataCount = reader.ReadUInt64();
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
            for (ulong i = 0; i < metadataCount; i++)
            {
                var key = ReadString(reader, path);
                metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32(), path, key);
            }
            var tensors = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
            for (ulong i = 0; i < tensorCount; i++)
            {
                var name = ReadString(reader, path);
                var dimensionCount = reader.ReadUInt32();
                if (dimensionCount is 0 or > 4)
                    throw new GgufFormatException(path, $"tensor '{name}' has {dimensionCount} dimensions.");
                var dimensions = new long[dimensionCount];
                for (var d = 0; d < dimensionCount; d++)
                    dimensions[d] = checked((long)reader.ReadUInt64());
                var type = (GgmlType)reader.ReadUInt32();
                var offset = checked((long)reader.ReadUInt64());
                tensors[name] = new GgufTensorInfo(name, dimensions, type, offset);
            }
            var alignment = metadata.TryGetValue("general.alignment", out var a) ? Convert.ToInt64(a) : 32;
            var dataOffset = (stream.Position + alignment - 1) / alignment * alignment;
            foreach (var tensor in tensors.Values)
            {
                if (!GgmlTypeInfo.IsKnown(tensor.Type))
                    throw new GgufFormatException(path, $"tensor '{tensor.Name}' has ggml type {(uint)tensor.Type}, which is not supported.");
                if (tensor.RowLength % GgmlTypeInfo.Layout(tensor.Type).BlockElements != 0)
                    throw new GgufFormatException(path, $"tensor '{tensor.Name}': row length {tensor.RowLength} is not a whole number of {tensor.Type} blocks.");
                if (dataOffset + tensor.Offset + tensor.ByteSize > stream.Length)
                    throw new GgufFormatException(path, $"the file is truncated: tensor '{tensor.Name}' ends past the end of the file ({stream.Length} bytes).");
            }
            return new GgufFile(path, version, metadata, tensors, dataOffset);
        }
        catch (EndOfStreamException)
        {
            throw new GgufFormatException(path, "the file is truncated inside its header.");
        }
    }

    /// <summary>The raw bytes of a tensor, straight from the mapped file.</summary>
    public ReadOnlySpan<byte> Data(GgufTensorInfo tensor) =>
        new(_base + _dataOffset + tensor.Offset, checked((int)tensor.ByteSize));

    public GgufTensorInfo Tensor(string name) =>
        Tensors.TryGetValue(name, out var tensor) ? tensor : throw new GgufFormatException(Path, $"tensor '{name}' is missing.");

    public T Get<T>(string key) => TryGet<T>(key, out var value) ? value : throw new GgufFormatException(Path, $"metadata '{key}' is missing.");

    public T Get<T>(string key, T fallback) => TryGet<T>(key, out var value) ? value : fallback;

    public bool TryGet<T>(string key, out T value)
    {
        value = default!;
        if (!Metadata.TryGetValue(key, out var raw))
            return false;
        try
        {
            value = raw is T t ? t : (T)Convert.ChangeType(raw, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new GgufFormatException(Path, $"metadata '{key}' is a {raw.GetType().Name}, not a {typeof(T).Name}.");
        }
    }

    private static string ReadString(BinaryReader reader, string path)
    {
        var length = reader.ReadUInt64();
        if (length > int.MaxValue || (long)length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new GgufFormatException(path, "a string runs past the end of the file.");
        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type, string path, string key) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader, path),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader, path, key),
        _ => throw new GgufFormatException(path, $"metadata '{key}' has unknown value type {(uint)type}."),
    };

    private static object ReadArray(BinaryReader reader, string path, string key)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        if (count > MaxArrayLength)
            throw new GgufFormatException(path, $"metadata '{key}' claims {count} elements.");
        return elementType switch
        {
            GgufValueType.String => Enumerable.Range(0, (int)count).Select(_ => ReadString(reader, path)).ToArray(),
            GgufValueType.Float32 => Enumerable.Range(0, (int)count).Select(_ => reader.ReadSingle()).ToArray(),
            GgufValueType.Int32 => Enumerable.Range(0, (int)count).Select(_ => reader.ReadInt32()).ToArray(),
            GgufValueType.UInt32 => Enumerable.Range(0, (int)count).Select(_ => reader.ReadUInt32()).ToArray(),
            _ => Enumerable.Range(0, (int)count).Select(_ => ReadValue(reader, elementType, path, key)).ToArray(),
        };
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
