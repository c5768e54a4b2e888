using System.Text;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>
/// llama.cpp's tokenizer test vectors, read as its <c>test-tokenizer-0</c> reads them: the inputs are
/// the texts between separators <c>"\n__ggml_vocab_test__\n"</c> (so each input loses exactly the one
/// newline before its separator, and the separator that ends the file leaves no empty input after
/// it); the expected ids are one line per input.
/// </summary>
internal static class VocabVectors
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    public static IReadOnlyList<(string Text, int[] Ids)> Load(string name)
    {
        var raw = Encoding.UTF8.GetString(File.ReadAllBytes(SharedFiles.Vocab($"ggml-vocab-{name}.gguf.inp")));
        var inputs = new List<string>();
        for (var at = 0; at < raw.Length;)
        {
            var next = raw.IndexOf(Separator, at, StringComparison.Ordinal);
            if (next < 0)
            {
                inputs.Add(raw[at..]);
                break;
            }
            inputs.Add(raw[at..next]);
            at = next + Separator.Length;
        }
        var outputs = File.ReadAllLines(SharedFiles.Vocab($"ggml-vocab-{name}.gguf.out"));
        Assert.Equal(inputs.Count, outputs.Length);
        return inputs.Zip(outputs, (text, ids) => (text, ids.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())).ToList();
    }
}
