using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;

// Writes a random-weight Llama model of a named shape as GGUF, with a real tokenizer copied from a
// vocab file, so `dynamo bench engine` can measure shapes that are not shipped.
// Usage: ModelGen SHAPE TYPE OUT [VOCAB_GGUF]   (SHAPE: 15M | 110M; TYPE: F32 | F16 | BF16 | Q8_0 | Q4_0 | Q4_K_M, the
// last llama.cpp's mix of Q4_K and Q6_K, which needs rows of a multiple of 256: 110M, not 15M)
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: ModelGen 15M|110M F32|F16|BF16|Q8_0|Q4_0|Q4_K_M OUT.gguf [VOCAB.gguf]");
    return 2;
}
var shape = args[0] switch
{
    "15M" => ModelGenerator.Stories15M,
    "110M" => ModelGenerator.Stories110M,
    _ => throw new ArgumentException($"unknown shape {args[0]}"),
};
using var vocabulary = args.Length > 3 ? GgufFile.Open(args[3]) : null;
// llama2.c's models share the embedding with the output layer (tied), which is what makes them 15M and 110M.
if (args[1] == "Q4_K_M")
    ModelGenerator.Write(args[2], "llama", shape, GgmlType.Q4_K, tied: true, vocabulary: vocabulary, matrixType: name => ModelGenerator.Q4KM(name, shape.Layers));
else
    ModelGenerator.Write(args[2], "llama", shape, Enum.Parse<GgmlType>(args[1]), tied: true, vocabulary: vocabulary);
Console.WriteLine($"wrote {args[2]} ({new FileInfo(args[2]).Length / 1e6:F1} MB)");
return 0;
