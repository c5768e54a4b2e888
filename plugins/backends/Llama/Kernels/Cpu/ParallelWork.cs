namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A piece of work split into parts that <see cref="CpuThreads"/> hands out statically: part i
/// runs on thread i. Kernels keep one instance and refill its fields per call, so a product or an
/// attention pass allocates nothing.
/// </summary>
internal abstract class ParallelWork
{
    public abstract void Run(int part, int parts);
}
