using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Llama.Engine;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>The ILGPU forward pass (on ILGPU's CPU emulator) against the CPU forward pass, which the naive reference checks, per architecture and storage format.</summary>
public sealed class GpuForwardPassTests
{
    public static TheoryData<string, string, bool> Models => new()
    {
        { "llama", "F32", false },
        { "llama", "Q8_0", true },
        { "llama", "Q4_0", false },
        { "mistral", "F16", false },
        { "qwen2", "F32", true },
        { "qwen3", "F16", false },
    };

    private static (LlamaModel Cpu, LlamaModel Gpu) Load(string architecture, GgmlType type, bool tied, int seed = 1)
    {
        var tiny = TinyModel.Generate(architecture, type, tied, seed);
        using var file = GgufFile.Open(tiny.Path);
        var cpu = LlamaModel.Load(file);
        var gpu = new LlamaModel(cpu.Config, cpu.Weights);
        File.Delete(tiny.Path);
        LlamaEngineFactory.UseDevice(gpu, "ilgpu-cpu");
        return (cpu, gpu);
    }


    [Theory]
    [MemberData(nameof(Models))]
    public void MixedPrefillAndDecodeBatchesMatchTheCpuPass(string architecture, string typeName, bool tied)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        var (cpu, gpu) = Load(architecture, type, tied);
        Assert.StartsWith("ILGPU CPU emulator", gpu.ForwardPass.Device);
        // F16 storage of other types rounds their weights once more on the GPU.
        var bound = type is GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0 ? 1e-4 : 2e-2;
        var runs = new[] { cpu, gpu }.Select(model =>
        {
            var pool = model.NewPool(4, 32);
            var (a, b) = (model.NewSequence(64, pool), model.NewSequence(64, pool));
            var scratch = model.NewScratch(16, 2);
            int[] promptA = [3, 17, 42, 5, 9, 11, 2, 30, 31, 7, 8, 12, 13, 14, 15, 16, 18, 19, 20]; // past several blocks
            model.Forward(promptA.Select((t, i) => new BatchItem(a, t, i, i == promptA.Length - 1)).Take(16).ToArray(), scratch);
            // A's prefill tail, then B's prompt, in one batch; then both decode together.
            var mixed = promptA.Skip(16).Select((t, i) => new BatchItem(a, t, 16 + i, i == promptA.Length - 17))
                .Concat(new[] { 4, 6, 8 }.Select((t, i) => new BatchItem(b, t, i, i == 2))).ToArray();
            model.Forward(mixed, scratch);
            var logits = new List<(float[] A, float[] B)> { ((float[])a.Logits.Clone(), (float[])b.Logits.Clone()) };
            for (var step = 0; step < 4; step++)
            {
                model.Forward([new BatchItem(a, 20 + step, a.Length, true), new BatchItem(b, 40 + step, b.Length, true)], scratch);
                logits.Add(((float[])a.Logits.Clone(), (float[])b.Logits.Clone()));
            }
            return logits;
        }).ToArray();
        for (var step = 0; step < runs[0].Count; step++)
        {
            AssertClose(runs[0][step].A, runs[1][step].A, bound, $"{architecture}/{type} A step {step}");
            AssertClose(runs[0][step].B, runs[1][step].B, bound, $"{architecture}/{type} B step {step}");
        }
        gpu.Dispose();
    }

    private static void AssertClose(float[] expected, float[] actual, double bound, string what)
    {
        var scale = expected.Max(Math.Abs);
        var worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(scale > 0 && worst <= bound * scale, $"{what}: max error {worst} against logits up to {scale}");
        Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(actual, actual.Max()));
    }

    [Fact]
    public async Task TheEngineOnTheGpuPassGeneratesWhatItDoesOnTheCpu()
    {
        var (cpu, gpu) = Load("llama", GgmlType.F32, tied: false, seed: 5);
        int[][] prompts = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [9, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 40]];
        async Task<List<int>[]> Generate(LlamaModel model)
        {
            await using var engine = new LlamaEngine(model, new LlamaEngineOptions { Path = "tiny", MaxBatchSize = 2, PrefillChunkTokens = 5, KvBlockSize = 4 });
            return await Task.WhenAll(prompts.Select(async (prompt, i) =>
            {
                var tokens = new List<int>();
                var request = new EngineRequest($"r{i}", prompt, SamplingParams.Greedy, new StopConditions(6, [], IgnoreEos: true), RequestMetadata.Empty);
                await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
                    tokens.AddRange(output.TokenIds);
                return tokens;
            }));
        }
        var expected = await Generate(cpu);
        var actual = await Generate(gpu);
        for (var i = 0; i < prompts.Length; i++)
            Assert.Equal(expected[i], actual[i]);
        gpu.Dispose();
    }
}
