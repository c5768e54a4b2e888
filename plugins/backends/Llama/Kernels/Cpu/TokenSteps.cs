namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// One element-wise step of a forward pass over a batch's tokens (a norm, RoPE and the KV write, a
/// residual add, SwiGLU), split across the CPU threads by contiguous ranges of tokens; a batch too
/// small to be worth waking the workers runs on the calling thread.
/// </summary>
/// <param name="run">Runs step <c>step</c> for tokens <c>from</c>..<c>to</c>.</param>
internal sealed class TokenSteps(CpuThreads threads, Action<int, int, int> run) : ParallelWork
{
    // Below this many values touched a step stays on the calling thread.
    private const int ParallelThreshold = 1 << 14;

    private int _step;
    private int _tokens;

    public void Run(int step, int tokens, int valuesPerToken)
    {
        if ((long)tokens * valuesPerToken < ParallelThreshold || tokens < 2)
        {
            run(step, 0, tokens);
            return;
        }
        (_step, _tokens) = (step, tokens);
        threads.Run(this, Math.Min(threads.Count, tokens));
    }

    public override void Run(int part, int parts)
    {
        var (from, to) = (part * _tokens / parts, (part + 1) * _tokens / parts);
        if (from < to)
            run(_step, from, to);
    }
}
