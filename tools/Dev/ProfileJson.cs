using System.Text.Json.Serialization;
using Dynamo.Abstractions.Planner;

namespace Dynamo.Dev;

/// <summary>
/// The profiler's output file: a <see cref="PerformanceProfile"/> in the tools' JSON convention (snake_case, as
/// <see cref="DevJson"/>), indented because people read it too.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PerformanceProfile))]
internal sealed partial class ProfileJson : JsonSerializerContext;
