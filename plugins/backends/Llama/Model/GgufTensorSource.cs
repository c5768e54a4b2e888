using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>Tensors of a GGUF file: vectors decoded to F32, matrices left packed in their ggml type.</summary>
internal sealed class GgufTensorSource(GgufFile file) : ITensorSource
{
    public string Path => file.Path;

    public bool Has(string name) => file.Tensors.ContainsKey(name);

    public float[] Vector(string name, int length)
    {
        var tensor = Checked(name, [length]);
        var values = new float[tensor.Elements];
        GgmlDecoder.Decode(tensor.Type, file.Data(tensor), values, file.Path, name);
        return values;
    }

    /// <summary>ggml lists dimensions innermost first: a [rows][cols] matrix is [cols, rows].</summary>
    public WeightMatrix Matrix(string name, int cols, int rows)
    {
        var tensor = Checked(name, [cols, rows]);
        return WeightMatrix.Create(tensor.Type, file.Data(tensor), rows, cols);
    }

    private GgufTensorInfo Checked(string name, long[] dimensions)
    {
        var tensor = file.Tensor(name);
        if (!tensor.Dimensions.SequenceEqual(dimensions))
            throw new GgufFormatException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", tensor.Dimensions)}], expected [{string.Join(", ", dimensions)}].");
        GgmlDecoder.EnsureSupported(tensor.Type, file.Path, name);
        return tensor;
    }
}
