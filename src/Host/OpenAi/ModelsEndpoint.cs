using Dynamo.Host.Models;

namespace Dynamo.Host.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
internal static class ModelsEndpoint
{
    public static ModelList List(ModelRegistry models) =>
        new(models.Models.Select(m => new ModelCard(m.Name, m.Created.ToUnixTimeSeconds(), "dynamo")).ToList());
}
