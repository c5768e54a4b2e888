using Dynamo.Backends.Llama.Engine;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Gpu;
using ILGPU;
using ILGPU.Runtime;
using Dynamo.Backends.Llama.Model;

// Checks the GPU forward pass on a real device against the CPU pass: generated models of every
// architecture and storage format (mixed prefill and decode batches over shared paged blocks),
// then greedy text of a real GGUF. The unit tests check the same kernels on ILGPU's CPU emulator;
// this is the check for the PTX they compile to. Exit code 1 when anything differs beyond bounds.
// Usage: DeviceCheck [--device cuda] [MODEL.gguf]
var device = args.SkipWhile(a => a != "--device").Skip(1).FirstOrDefault() ?? "cuda";
var realModel = args.Where((a, i) => a.EndsWith(".gguf", StringComparison.Ordinal)).FirstOrDefault();
var failures = 0;
var shapes = new[]
{
    new ModelGenerator.Shape(Dim: 256, Layers: 2, Heads: 8, KvHeads: 4, HeadDim: 32, Ffn: 512, Vocab: 512, Context: 256),
    new ModelGenerator.Shape(Dim: 512, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 128, Ffn: 1024, Vocab: 1000, Context: 256),
};
(string Arch, GgmlType Type, bool Tied)[] cases =
[
    ("llama", GgmlType.F32, true), ("llama", GgmlType.F16, false), ("llama", GgmlType.Q8_0, false), ("llama", GgmlType.Q4_0, false),
    ("mistral", GgmlType.BF16, false), ("qwen2", GgmlType.F32, true), ("qwen3", GgmlType.F16, false),
];
foreach (var shape in shapes)
    foreach (var (arch, type, tied) in cases)
    {
        var path = Path.Combine(Path.GetTempPath(), $"check-{arch}-{type}-{shape.HeadDim}.gguf");
        ModelGenerator.Write(path, arch, shape, type, tied);
        LlamaModel cpu;
        using (var file = GgufFile.Open(path))
            cpu = LlamaModel.Load(file);
        using var gpu = new LlamaModel(cpu.Config, cpu.Weights);
        LlamaEngineFactory.UseDevice(gpu, device);
        var expected = Run(cpu);
        var actual = Run(gpu);
        var worst = 0.0;
        var sameGreedy = true;
        for (var i = 0; i < expected.Count; i++)
        {
            var scale = expected[i].Max(Math.Abs);
            worst = Math.Max(worst, expected[i].Select((e, j) => Math.Abs(e - actual[i][j])).Max() / scale);
            sameGreedy &= Array.IndexOf(expected[i], expected[i].Max()) == Array.IndexOf(actual[i], actual[i].Max());
        }
        var bound = type is GgmlType.F32 or GgmlType.F16 or GgmlType.Q8_0 ? 1e-4 : 2e-2;
        var ok = worst <= bound && sameGreedy;
        failures += ok ? 0 : 1;
        Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {arch,-8} {type,-5} head {shape.HeadDim,3}: max relative logit error {worst:E2} (bound {bound:E0}), greedy tokens {(sameGreedy ? "identical" : "DIFFER")}  [{gpu.ForwardPass.Device}]");
        File.Delete(path);
    }

if (realModel is not null)
{
    using var file = GgufFile.Open(realModel);
    var cpu = LlamaModel.Load(file);
    using var gpu = new LlamaModel(cpu.Config, cpu.Weights);
    LlamaEngineFactory.UseDevice(gpu, device);
    var vocabulary = file.Get<string[]>("tokenizer.ggml.tokens");
    var (a, b) = (Greedy(cpu, 60), Greedy(gpu, 60));
    var same = a.SequenceEqual(b);
    failures += same ? 0 : 1;
    Console.WriteLine($"{(same ? "ok  " : "FAIL")} {Path.GetFileName(realModel)} greedy 60 tokens {(same ? "identical" : "DIFFER")} on CPU and {gpu.ForwardPass.Device}:");
    Console.WriteLine("  " + string.Concat(b.Select(t => vocabulary[t])).Replace('\u2581', ' '));
}
if (args.Contains("--time"))
    TimeProducts(device);
return failures == 0 ? 0 : 1;

// The matrix-vector product alone, launched back to back: device bandwidth for large matrices,
// and the fixed cost per launch that small ones (a 110M model's) are bound by.
static void TimeProducts(string device)
{
    using var gpu = GpuDevice.Open(device) ?? throw new InvalidOperationException("no GPU");
    var kernels = new GpuKernels(gpu.Accelerator);
    var random = new Random(1);
    foreach (var (rows, cols, type) in new[] { (2304, 768, GgmlType.F32), (4096, 4096, GgmlType.F32), (4096, 4096, GgmlType.F16), (4096, 4096, GgmlType.Q8_0), (16384, 4096, GgmlType.F16), (16, 64, GgmlType.F32) })
    {
        var values = Enumerable.Range(0, rows * cols).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (data, _) = GgmlEncoder.Encode(values, type);
        using var matrix = new GpuMatrix(gpu.Accelerator, WeightMatrix.Create(type, data, rows, cols));
        using var x = gpu.Accelerator.Allocate1D(Enumerable.Range(0, cols).Select(i => (float)Math.Sin(i)).ToArray());
        using var y = gpu.Accelerator.Allocate1D<float>(rows);
        for (var i = 0; i < 20; i++)
            kernels.MatMul(matrix, x.View, y.View, 1, default, accumulate: false);
        kernels.Synchronize();
        const int launches = 2000;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < launches; i++)
            kernels.MatMul(matrix, x.View, y.View, 1, default, accumulate: false);
        kernels.Synchronize();
        var seconds = watch.Elapsed.TotalSeconds / launches;
        Console.WriteLine($"matvec {rows}x{cols} {type,-5}: {seconds * 1e6,7:F1} us per product, {matrix.Bytes / seconds / 1e9,7:F1} GB/s of weights");
    }
}

// A prompt prefilled in one batch past several blocks, a second sequence's prompt joining the
// first's tail, then both decoding together: the logits after each step.
static List<float[]> Run(LlamaModel model)
{
    var pool = model.NewPool(16, 16);
    var (a, b) = (model.NewSequence(120, pool), model.NewSequence(120, pool));
    var scratch = model.NewScratch(64, 2);
    var vocab = model.Config.VocabSize;
    var prompt = Enumerable.Range(0, 70).Select(i => (i * 37 + 11) % vocab).ToArray();
    var logits = new List<float[]>();
    model.Forward(prompt.Take(60).Select((t, i) => new BatchItem(a, t, i, false)).ToArray(), scratch);
    model.Forward(prompt.Skip(60).Select((t, i) => new BatchItem(a, t, 60 + i, i == 9))
        .Concat(prompt.Take(33).Select((t, i) => new BatchItem(b, t, i, i == 32))).ToArray(), scratch);
    logits.Add((float[])a.Logits.Clone());
    logits.Add((float[])b.Logits.Clone());
    for (var step = 0; step < 8; step++)
    {
        int Next(SequenceState s) => Array.IndexOf(s.Logits, s.Logits.Max());
        model.Forward([new BatchItem(a, Next(a), a.Length, true), new BatchItem(b, Next(b), b.Length, true)], scratch);
        logits.Add((float[])a.Logits.Clone());
        logits.Add((float[])b.Logits.Clone());
    }
    return logits;
}

static List<int> Greedy(LlamaModel model, int count)
{
    var state = model.NewSequence(count + 1);
    var token = 1; // BOS
    var tokens = new List<int>();
    for (var i = 0; i < count; i++)
    {
        model.Forward(state, token);
        token = Array.IndexOf(state.Logits, state.Logits.Max());
        tokens.Add(token);
    }
    return tokens;
}
