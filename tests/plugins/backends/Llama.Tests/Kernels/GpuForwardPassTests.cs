using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Llama.Engine;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels;
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
        // The GPU pass feeds quantized matrices float inputs; so does this CPU pass (the 8-bit one is checked against the naive reference).
        cpu.UseDevice(new CpuForwardPass(cpu.Config, cpu.Weights, floatInputs: true));
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

    [Fact]
    public void MasksAreAppliedWhereTheLogitsAreComputedOnBothPasses()
    {
        var (cpu, gpu) = Load("llama", GgmlType.F32, tied: false, seed: 3);
        var vocab = cpu.Config.VocabSize;
        var random = new Random(2);
        var mask = Enumerable.Range(0, (vocab + 63) / 64).Select(_ => (ulong)random.NextInt64()).ToArray();
        var runs = new[] { cpu, gpu }.Select(model =>
        {
            var pool = model.NewPool(4, 16);
            var (a, b) = (model.NewSequence(32, pool), model.NewSequence(32, pool));
            // A's last prompt token and B's: A masked, B not.
            model.Forward([new BatchItem(a, 3, 0, false), new BatchItem(a, 5, 1, true, mask), new BatchItem(b, 7, 0, true)], model.NewScratch(4, 2));
            return ((float[])a.Logits.Clone(), (float[])b.Logits.Clone());
        }).ToArray();
        var plain = new[] { cpu, gpu }.Select(model =>
        {
            var pool = model.NewPool(4, 16);
            var a = model.NewSequence(32, pool);
            model.Forward([new BatchItem(a, 3, 0, false), new BatchItem(a, 5, 1, true)], model.NewScratch(4, 2));
            return (float[])a.Logits.Clone();
        }).ToArray();
        for (var pass = 0; pass < 2; pass++)
        {
            var (masked, unmasked) = runs[pass];
            for (var t = 0; t < vocab; t++)
                if ((mask[t / 64] >> (t % 64) & 1) == 0)
                    Assert.Equal(float.NegativeInfinity, masked[t]);
                else
                    Assert.Equal(plain[pass][t], masked[t], 1e-4f);
            Assert.DoesNotContain(float.NegativeInfinity, unmasked);
        }
        gpu.Dispose();
    }

    [Fact]
    public async Task TheEngineFollowsAGrammarOnTheGpuPassAsOnTheCpu()
    {
        var (cpu, gpu) = Load("llama", GgmlType.F32, tied: false, seed: 7);
        async Task<(List<int> Tokens, FinishReason? Finish)> Generate(LlamaModel model)
        {
            await using var engine = new LlamaEngine(model, new LlamaEngineOptions { Path = "tiny", MaxBatchSize = 2, KvBlockSize = 4 })
            {
                Grammar = new MultiplesOfThree(),
                Tokenizer = new NumberTokenizer(model.Config.VocabSize),
            };
            var request = new EngineRequest("r", [1, 2, 3], SamplingParams.Greedy, new StopConditions(20, [63]), RequestMetadata.Empty)
            {
                Constraint = new EngineConstraint(new RegexGrammar("(0|3|6|9)+")),
            };
            var tokens = new List<int>();
            FinishReason? finish = null;
            await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
            {
                tokens.AddRange(output.TokenIds);
                finish = output.FinishReason ?? finish;
            }
            return (tokens, finish);
        }
        var expected = await Generate(cpu);
        var actual = await Generate(gpu);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(5, actual.Tokens.Count);
        Assert.All(actual.Tokens, t => Assert.Equal(0, t % 3));
        Assert.Equal(FinishReason.Stop, actual.Finish);
        gpu.Dispose();
    }

    /// <summary>A grammar of exactly five tokens whose ids are multiples of three (the grammar engines have their own tests).</summary>
    private sealed class MultiplesOfThree : IGrammarCompiler, ICompiledGrammar
    {
        public ICompiledGrammar Compile(GrammarSpec spec, ITokenizer tokenizer) => this;

        public ITokenMatcher CreateMatcher() => new Matcher();

        private sealed class Matcher : ITokenMatcher
        {
            private int _count;

            public bool CanEnd => _count == 5;

            public bool IsFinished => _count == 5;

            public void FillMask(Span<ulong> mask, int remainingTokens = int.MaxValue)
            {
                mask.Clear();
                if (_count < 5)
                    for (var t = 0; t < mask.Length * 64; t += 3)
                        mask[t >> 6] |= 1UL << (t & 63);
            }

            public bool Accept(int token) => _count < 5 && token % 3 == 0 && ++_count > 0;
        }
    }

    private sealed class NumberTokenizer(int vocabSize) : ITokenizer
    {
        public int VocabSize => vocabSize;

        public string? BosToken => null;

        public string? EosToken => null;

        public IReadOnlyList<int> EosTokenIds => [vocabSize - 1];

        public int[] Encode(string text, bool addSpecialTokens) => [.. text.Split(' ').Select(int.Parse)];

        public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true) => string.Join(' ', tokenIds.ToArray());
    }
}
