namespace Dynamo.Backends.Llama.Tests.Infrastructure;

/// <summary>Kernel results against a double-precision reference, within a bound relative to the largest expected value.</summary>
internal static class Tolerance
{
    public static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double bound)
    {
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 0, "a test on zeros proves nothing");
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound * scale, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }
}
