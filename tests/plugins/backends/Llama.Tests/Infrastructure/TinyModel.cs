using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>
/// A small random model of a given architecture written as a real GGUF file, with the weights
/// as the file holds them (after F16 rounding or quantization) kept for the naive reference.
/// </summary>
internal sealed record TinyModel(string Path, string Architecture, ModelGenerator.Shape Dims, Dictionary<string, float[]> Weights, bool Tied, GgmlType Type = GgmlType.F32)
{
    public static readonly ModelGenerator.Shape DefaultShape = new(Dim: 32, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 8, Ffn: 64, Vocab: 64, Context: 128);

    public static TinyModel Generate(string architecture, GgmlType type = GgmlType.F32, bool tied = false, int seed = 1, ModelGenerator.Shape? shape = null)
    {
        var dims = shape ?? DefaultShape;
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tiny-{architecture}-{type}-{Guid.NewGuid():N}.gguf");
        var weights = ModelGenerator.Write(path, architecture, dims, type, tied, seed, keepWeights: true)!;
        return new TinyModel(path, architecture, dims, weights, tied, type);
    }
}
