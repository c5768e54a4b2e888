using System.Text;
namespace Dynamo.Backends.Llama.Gguf;

/// <summary>Writes GGUF files (version 3): generated models for tests, benchmarks and the fallback default model.</summary>
internal sealed class GgufWriter
{
    private readonly List<(string Key, object Value)> _metadata = [];
    private readonly List<(string Name, long[] Dimensions, GgmlType Type, byte[] Data)> _tensors = [];

    public GgufWriter Set(string key, object value)
    {
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>Adds a tensor given row-major values ([rows][rowLength]); returns the values as the file will hold them (after rounding/quantizing).</summary>
    public float[] Tensor(string name, float[] values, GgmlType type, params long[] dimensions)
    {
        var (data, stored) = GgmlEncoder.Encode(values, type);
        _tensors.Add((name, dimensions, type, data));
        return stored;
    }

    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            WriteValue(w, value);
        }
        long offset = 0;
        foreach (var (name, dimensions, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dimensions.Length);
            foreach (var d in dimensions)
                w.Write((ulong)d);
            w.Write((uint)type);
            w.Write((ulong)offset);
            offset = Align(offset + data.Length);
        }
        Pad(w);
        foreach (var (_, _, _, data) in _tensors)
        {
            w.Write(data);
            Pad(w);
        }
    }

    private static long Align(long offset) => (offset + 31) / 32 * 32;

    private static void Pad(BinaryWriter w)
    {
        while (w.BaseStream.Position % 32 != 0)
            w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, object value)
    {
        switch (value)
        {
            case uint u: w.Write((uint)GgufValueType.UInt32); w.Write(u); break;
            case int i: w.Write((uint)GgufValueType.Int32); w.Write(i); break;
            case float f: w.Write((uint)GgufValueType.Float32); w.Write(f); break;
            case bool b: w.Write((uint)GgufValueType.Bool); w.Write((byte)(b ? 1 : 0)); break;
            case byte u8: w.Write((uint)GgufValueType.UInt8); w.Write(u8); break;
            case sbyte i8: w.Write((uint)GgufValueType.Int8); w.Write(i8); break;
            case ushort u16: w.Write((uint)GgufValueType.UInt16); w.Write(u16); break;
            case short i16: w.Write((uint)GgufValueType.Int16); w.Write(i16); break;
            case ulong u64: w.Write((uint)GgufValueType.UInt64); w.Write(u64); break;
            case long i64: w.Write((uint)GgufValueType.Int64); w.Write(i64); break;
            case double f64: w.Write((uint)GgufValueType.Float64); w.Write(f64); break;
            case string s: w.Write((uint)GgufValueType.String); WriteString(w, s); break;
            case string[] ss:
                w.Write((uint)GgufValueType.Array); w.Write((uint)GgufValueType.String); w.Write((ulong)ss.Length);
                foreach (var s in ss) WriteString(w, s);
                break;
            case float[] fs:
                w.Write((uint)GgufValueType.Array); w.Write((uint)GgufValueType.Float32); w.Write((ulong)fs.Length);
                foreach (var f in fs) w.Write(f);
                break;
            case int[] @is:
                w.Write((uint)GgufValueType.Array); w.Write((uint)GgufValueType.Int32); w.Write((ulong)@is.Length);
                foreach (var i in @is) w.Write(i);
                break;
            default: throw new ArgumentException($"Cannot write metadata of type {value.GetType()}.");
        }
    }
}
