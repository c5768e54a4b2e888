using System.Text;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>Writes GGUF files (version 3) so tests can generate models in the real format.</summary>
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
        var (data, stored) = Quantization.Encode(values, type);
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
