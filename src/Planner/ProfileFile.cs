using System.Text.Json;
using Dynamo.Abstractions.Planner;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Planner;

/// <summary>Reads the profiler's JSON (snake_case, as <c>dynamo-dev profile</c> writes it; PascalCase and camelCase are read too).</summary>
internal static class ProfileFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    /// <exception cref="DynamoConfigurationException">The file is missing, not a profile, or has no curve to plan on.</exception>
    public static PerformanceProfile Read(string path)
    {
        PerformanceProfile? profile;
        try
        {
            using var stream = File.OpenRead(path);
            profile = JsonSerializer.Deserialize<PerformanceProfile>(stream, Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new DynamoConfigurationException($"The planner's profile '{path}' cannot be read: {ex.Message}");
        }
        var problem = profile is null ? "it is empty"
            : profile.Prefill is not { Count: > 0 } ? "it has no prefill points"
            : profile.Decode is not { Count: > 0 } ? "it has no decode points"
            : profile.Prefill.Any(p => p.InputTokens < 1 || !(p.TimeMs > 0)) ? "a prefill point has no input or no time"
            : profile.Decode.Any(p => p.Batch < 1 || p.ContextTokens < 0 || !(p.ItlMs > 0)) ? "a decode point has no batch or no latency"
            : null;
        return problem is null ? profile! : throw new DynamoConfigurationException($"The planner's profile '{path}' cannot be planned on: {problem}. Write one with 'dynamo-dev profile'.");
    }
}
