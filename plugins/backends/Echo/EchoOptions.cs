using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Echo;

/// <summary>Options of the <c>echo</c> engine (the Engine section of a model).</summary>
internal sealed record EchoOptions(double DelayMs, int MaxContextLength)
{
    public static EchoOptions From(IConfiguration options)
    {
        var result = new EchoOptions(options.GetValue("DelayMs", 0.0), options.GetValue("MaxContextLength", 65536));
        if (result.DelayMs < 0 || !double.IsFinite(result.DelayMs))
            throw new ArgumentException($"DelayMs must be 0 or more, got {result.DelayMs}.");
        if (result.MaxContextLength < 2)
            throw new ArgumentException($"MaxContextLength must be at least 2, got {result.MaxContextLength}.");
        return result;
    }
}
