using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>Reads GGUF tensors: vectors (norms, biases) as F32, matrices as <see cref="WeightMatrix"/> kept in their file type.</summary>
internal static class TensorLoader
{
    public static float[] Load(GgufFile file, string name, params long[] expectedDimensions)
    {
        var tensor = file.Tensor(name);
        if (expectedDimensions.Length > 0 && !tensor.Dimensions.SequenceEqual(expectedDimensions))
            throw new GgufFormatException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", tensor.Dimensions)}], expected [{string.Join(", ", expectedDimensions)}].");
        var values = new float[tensor.Elements];
        GgmlDecoder.Decode(tensor.Type, file.Data(tensor), values, file.Path, name);
        return values;
    }

    public static float[]? LoadOptional(GgufFile file, string name, params long[] expectedDimensions) =>
        file.Tensors.ContainsKey(name) ? Load(file, name, expectedDimensions) : null;

    /// <summary>A [rows][cols] matrix (ggml dimensions [cols, rows]), left packed when its type is quantized or 16-bit.</summary>
    public static WeightMatrix Matrix(GgufFile file, string name, int cols, int rows)
    {
        var tensor = file.Tensor(name);
        if (!tensor.Dimensions.SequenceEqual([cols, (long)rows]))
            throw new GgufFormatException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", tensor.Dimensions)}], expected [{cols}, {rows}].");
        GgmlDecoder.EnsureSupported(tensor.Type, file.Path, name);
        return WeightMatrix.Create(tensor.Type, file.Data(tensor), rows, cols);
    }

    public static WeightMatrix? MatrixOptional(GgufFile file, string name, int cols, int rows) =>
        file.Tensors.ContainsKey(name) ? Matrix(file, name, cols, rows) : null;
}
