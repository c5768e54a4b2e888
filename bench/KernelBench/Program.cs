using System.Diagnostics;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Model;

// The CPU matrix product of one weight type and shape, on the path the engine takes (8-bit inputs
// and integer dot products for quantized types) against the float path over the same weights
// (rows decoded into register tiles), in one run: microseconds, GFLOP/s, the weights' GB/s, and
// the ratio. Usage: KernelBench [--rows 2048] [--cols 768] [--tokens 1,8,128] [--types F32,F16,Q8_0,Q4_0,Q4_K,Q6_K]
var rows = Option("--rows", 2048);
var cols = Option("--cols", 768);
var tokenCounts = Text("--tokens", "1,8,128").Split(',').Select(int.Parse).ToArray();
var types = Text("--types", "F32,F16,Q8_0,Q4_0,Q4_K,Q6_K").Split(',').Select(Enum.Parse<GgmlType>).ToArray();

Console.WriteLine($"KernelBench: {rows}×{cols}, {CpuThreads.Shared.Count} threads, {CpuPaths.Describe(CpuPaths.Best)}");
Console.WriteLine("type  | tokens | engine's path µs (GFLOP/s, weights GB/s) | float path µs | float / engine");
var random = new Random(1);
foreach (var type in types)
{
    var values = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    var (data, _) = GgmlEncoder.Encode(values, type);
    var matrix = WeightMatrix.Create(type, data, rows, cols);
    var bytes = (double)data.Length;
    foreach (var tokens in tokenCounts)
    {
        var x = new InputRows(tokens * cols);
        for (var i = 0; i < x.Values.Length; i++)
            x.Values[i] = (float)(random.NextDouble() * 2 - 1);
        var y = new float[tokens * rows];
        var engine = Time(new CpuMatMul(CpuThreads.Shared, CpuPaths.Best), matrix, x, y, tokens);
        var floats = Time(new CpuMatMul(CpuThreads.Shared, CpuPaths.Best, quantizeInputs: false), matrix, x, y, tokens);
        var flops = 2.0 * rows * cols * tokens;
        Console.WriteLine($"{type,-5} | {tokens,6} | {engine,9:F1} ({flops / engine / 1e3,6:F1}, {bytes / engine / 1e3,6:F1}) | {floats,13:F1} | {floats / engine,6:F2}");
    }
}
return 0;

// Median of five runs of at least 200 ms each, per product (the input is re-quantized every time, as in a forward pass).
static double Time(CpuMatMul product, WeightMatrix matrix, InputRows x, float[] y, int tokens)
{
    var runs = new List<double>();
    for (var run = 0; run < 6; run++)
    {
        var (count, clock) = (0, Stopwatch.StartNew());
        while (clock.ElapsedMilliseconds < 200)
        {
            x.Changed();
            product.Multiply(matrix, x, y, tokens);
            count++;
        }
        if (run > 0) // the first warms the JIT and the caches
            runs.Add(clock.Elapsed.TotalMicroseconds / count);
    }
    return runs.Order().ElementAt(runs.Count / 2);
}

int Option(string name, int fallback) => int.Parse(Text(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

string Text(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
