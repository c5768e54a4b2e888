using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>
/// A deliberately plain forward pass in double precision, written from the architecture
/// definitions and sharing no code with the engine: it recomputes every position from scratch.
/// </summary>
internal static class NaiveReference
{
    /// <param name="halfSplit">RoPE pairing; by default the GGUF convention of the architecture (Hugging Face checkpoints always split in half).</param>
    public static double[] Logits(TinyModel m, IReadOnlyList<int> tokens, bool? halfSplit = null)
    {
        var s = m.Dims;
        var w = m.Weights;
        // The engine, like llama.cpp, feeds quantized matrices 8-bit inputs (blocks of 32 with one scale each).
        var quantizedInputs = m.Type is GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K or GgmlType.Q6_K;
        double[] MatVec(float[] matrix, double[] x) => NaiveReference.MatVec(matrix, quantizedInputs ? Quantize(x) : x);
        var n = tokens.Count;
        var x = tokens.Select(t => Row(w["token_embd.weight"], t, s.Dim)).ToArray();
        for (var l = 0; l < s.Layers; l++)
        {
            string N(string t) => $"blk.{l}.{t}";
            var q = new double[n][];
            var k = new double[n][];
            var v = new double[n][];
            for (var p = 0; p < n; p++)
            {
                var h = RmsNorm(x[p], w[N("attn_norm.weight")]);
                q[p] = Add(MatVec(w[N("attn_q.weight")], h), w.GetValueOrDefault(N("attn_q.bias")));
                k[p] = Add(MatVec(w[N("attn_k.weight")], h), w.GetValueOrDefault(N("attn_k.bias")));
                v[p] = Add(MatVec(w[N("attn_v.weight")], h), w.GetValueOrDefault(N("attn_v.bias")));
                if (w.ContainsKey(N("attn_q_norm.weight")))
                {
                    q[p] = PerHead(q[p], s.HeadDim, head => RmsNorm(head, w[N("attn_q_norm.weight")]));
                    k[p] = PerHead(k[p], s.HeadDim, head => RmsNorm(head, w[N("attn_k_norm.weight")]));
                }
                var split = halfSplit ?? m.Architecture is "qwen2" or "qwen3";
                q[p] = PerHead(q[p], s.HeadDim, head => Rope(head, p, s.RopeBase, split));
                k[p] = PerHead(k[p], s.HeadDim, head => Rope(head, p, s.RopeBase, split));
            }
            var attended = new double[n][];
            for (var p = 0; p < n; p++)
            {
                attended[p] = new double[s.Heads * s.HeadDim];
                for (var head = 0; head < s.Heads; head++)
                {
                    var kvHead = head / (s.Heads / s.KvHeads);
                    var scores = Enumerable.Range(0, p + 1).Select(t =>
                        Enumerable.Range(0, s.HeadDim).Sum(d => q[p][head * s.HeadDim + d] * k[t][kvHead * s.HeadDim + d]) / Math.Sqrt(s.HeadDim)).ToArray();
                    var max = scores.Max();
                    var exp = scores.Select(e => Math.Exp(e - max)).ToArray();
                    var total = exp.Sum();
                    for (var t = 0; t <= p; t++)
                        for (var d = 0; d < s.HeadDim; d++)
                            attended[p][head * s.HeadDim + d] += exp[t] / total * v[t][kvHead * s.HeadDim + d];
                }
            }
            for (var p = 0; p < n; p++)
            {
                x[p] = Add(x[p], MatVec(w[N("attn_output.weight")], attended[p]));
                var h = RmsNorm(x[p], w[N("ffn_norm.weight")]);
                var gate = MatVec(w[N("ffn_gate.weight")], h);
                var up = MatVec(w[N("ffn_up.weight")], h);
                var act = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                x[p] = Add(x[p], MatVec(w[N("ffn_down.weight")], act));
            }
        }
        var final = RmsNorm(x[n - 1], w["output_norm.weight"]);
        return MatVec(m.Tied ? w["token_embd.weight"] : w["output.weight"], final);
    }

    private static double[] Row(float[] matrix, int row, int length) => matrix.Skip(row * length).Take(length).Select(f => (double)f).ToArray();

    /// <summary>x in 8-bit blocks of 32: scale = max|x|/127, value = round(x/scale)·scale.</summary>
    public static double[] Quantize(double[] x)
    {
        var result = new double[x.Length];
        for (var b = 0; b < x.Length; b += 32)
        {
            var max = (float)x.Skip(b).Take(32).Max(Math.Abs);
            var scale = max / 127f;
            var inverse = max == 0 ? 0f : 127f / max;
            for (var i = b; i < b + 32; i++)
                result[i] = MathF.Round((float)x[i] * inverse) * (double)scale;
        }
        return result;
    }

    private static double[] MatVec(float[] matrix, double[] x)
    {
        var rows = matrix.Length / x.Length;
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < x.Length; c++)
                y[r] += matrix[r * x.Length + c] * x[c];
        return y;
    }

    private static double[] Add(double[] a, float[]? b) => b is null ? a : a.Select((v, i) => v + b[i]).ToArray();

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double[] RmsNorm(double[] x, float[] weight)
    {
        var rms = Math.Sqrt(x.Sum(v => v * v) / x.Length + 1e-5);
        return x.Select((v, i) => v / rms * weight[i]).ToArray();
    }

    private static double[] PerHead(double[] x, int headDim, Func<double[], double[]> f) =>
        x.Chunk(headDim).SelectMany(f).ToArray();

    private static double[] Rope(double[] head, int pos, double ropeBase, bool halfSplit)
    {
        var d = head.Length;
        var result = (double[])head.Clone();
        for (var i = 0; i < d / 2; i++)
        {
            var angle = pos * Math.Pow(ropeBase, -2.0 * i / d);
            var (a, b) = halfSplit ? (i, i + d / 2) : (2 * i, 2 * i + 1);
            result[a] = head[a] * Math.Cos(angle) - head[b] * Math.Sin(angle);
            result[b] = head[a] * Math.Sin(angle) + head[b] * Math.Cos(angle);
        }
        return result;
    }
}
