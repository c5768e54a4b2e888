using Dynamo.Backends.Llama.Kernels.Cpu;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>The fixed CPU threads: every part runs once, on its thread, and failures reach the caller.</summary>
public sealed class CpuThreadsTests
{
    private sealed class Recorder(int parts) : ParallelWork
    {
        public int[] Runs { get; } = new int[parts];

        public int?[] Threads { get; } = new int?[parts];

        public CpuThreads? Nested { get; set; }

        public override void Run(int part, int parts)
        {
            Interlocked.Increment(ref Runs[part]);
            Threads[part] = Environment.CurrentManagedThreadId;
            Nested?.Run(new Recorder(2), 2); // a kernel inside a part runs inline instead of waiting on itself
        }
    }

    private sealed class Failing : ParallelWork
    {
        public override void Run(int part, int parts)
        {
            if (part == 0)
                throw new InvalidOperationException("part 0");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 2)]
    public void EveryPartRunsOnceAndPartIRunsOnThreadIModCount(int threads, int parts)
    {
        using var pool = new CpuThreads(threads);
        for (var round = 0; round < 50; round++)
        {
            var work = new Recorder(parts) { Nested = pool };
            pool.Run(work, parts);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            for (var p = 0; p < parts; p++)
                Assert.Equal(work.Threads[p % threads], work.Threads[p]);
            Assert.Equal(Environment.CurrentManagedThreadId, work.Threads[0]);
        }
    }

    [Fact]
    public void ConcurrentCallersTakeTurnsAndAFailingPartReachesItsCaller()
    {
        using var pool = new CpuThreads(3);
        Parallel.For(0, 8, _ =>
        {
            var work = new Recorder(6);
            pool.Run(work, 6);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        });
        Assert.Throws<InvalidOperationException>(() => pool.Run(new Failing(), 3));
        var after = new Recorder(3);
        pool.Run(after, 3);
        Assert.All(after.Runs, runs => Assert.Equal(1, runs));
    }
}
