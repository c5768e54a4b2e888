using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>One matrix product of a <see cref="CpuMatMul"/> call: y = W·x (+ bias).</summary>
internal readonly record struct Product(WeightMatrix W, float[] Y, float[]? Bias = null);
