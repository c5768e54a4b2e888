using System.Text.Json.Serialization;
using Dynamo.Dev.Commands;
using Dynamo.Host.OpenAi;

namespace Dynamo.Dev;

/// <summary>The tools' JSON inputs, read as the OpenAI endpoints read theirs (snake_case, strict), and their JSON results.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TemplateRenderRequest))]
[JsonSerializable(typeof(ParseRequest))]
[JsonSerializable(typeof(List<ToolBody>))]
[JsonSerializable(typeof(BenchEngineResult))]
[JsonSerializable(typeof(MemoryBenchResult))]
[JsonSerializable(typeof(KvTransferBenchResult))]
[JsonSerializable(typeof(Replay.ReplayResult))]
internal sealed partial class DevJson : JsonSerializerContext;
