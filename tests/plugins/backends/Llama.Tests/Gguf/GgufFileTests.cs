using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tests.Gguf;

public sealed class GgufFileTests
{
    [Fact]
    public void ReadsTheSharedStoriesModel()
    {
        using var file = GgufFile.Open(SharedFiles.Model("stories260K.gguf"));

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Get<string>("general.architecture"));
        Assert.Equal(64u, file.Get<uint>("llama.embedding_length"));
        Assert.Equal(512, file.Get<string[]>("tokenizer.ggml.tokens").Length);
        Assert.Equal(48, file.Tensors.Count);
        var q = file.Tensor("blk.0.attn_q.weight");
        Assert.Equal([64L, 64L], q.Dimensions);
        Assert.Equal(GgmlType.F32, q.Type);
        Assert.Equal(64 * 64 * 4, file.Data(q).Length);
        Assert.Equal(292_800, file.Tensors.Values.Sum(t => t.Elements));
    }

    [Fact]
    public void NotAGgufFileIsAClearError()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "definitely not a model, just some text that is long enough");

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a GGUF file", error.Message);
    }

    [Fact]
    public void ATruncatedFileIsAClearError()
    {
        var bytes = File.ReadAllBytes(SharedFiles.Model("stories260K.gguf"));
        var header = Path.GetTempFileName();
        File.WriteAllBytes(header, bytes[..5000]);
        var data = Path.GetTempFileName();
        File.WriteAllBytes(data, bytes[..(bytes.Length - 100)]);

        Assert.Contains("truncated inside its header", Assert.Throws<GgufFormatException>(() => GgufFile.Open(header)).Message);
        Assert.Contains("truncated: tensor", Assert.Throws<GgufFormatException>(() => GgufFile.Open(data)).Message);
    }
}
