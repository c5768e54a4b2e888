namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>llama.cpp's tokenizer test vectors: inputs separated by <c>__ggml_vocab_test__</c> lines, expected ids one line each.</summary>
internal static class VocabVectors
{
    public static IReadOnlyList<(string Text, int[] Ids)> Load(string name)
    {
        var inputs = File.ReadAllText(SharedFiles.Vocab($"ggml-vocab-{name}.gguf.inp")).Split("\n__ggml_vocab_test__\n");
        // The file ends with a separator, which leaves one empty piece after it.
        inputs = inputs[..^1];
        var outputs = File.ReadAllLines(SharedFiles.Vocab($"ggml-vocab-{name}.gguf.out"));
        Assert.Equal(inputs.Length, outputs.Length);
        return inputs.Zip(outputs, (text, ids) => (text, ids.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())).ToList();
    }
}
