using Dynamo.Runtime;

namespace Dynamo.Host.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
internal static class ModelsEndpoint
{
    public static ModelList List(DynamoRuntime runtime) =>
        new([.. runtime.Models.Select(m => new ModelCard(m.Name, m.Created.ToUnixTimeSeconds(), "dynamo"))]);
}
