using Dynamo.Runtime;

namespace Dynamo.Host.OpenAi;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
internal static class ModelsEndpoint
{
    public static ModelList List(DynamoRuntime runtime) => new([.. runtime.Models.Select(m => Card(m.Name, m))]);

    /// <summary><c>GET /v1/models/{id}</c>: a served model, or one its aliases name (the card keeps the name asked for).</summary>
    public static ModelCard Get(DynamoRuntime runtime, string id) =>
        runtime.FindModel(id) is { } model ? Card(id, model) : throw Runtime.Errors.DynamoRequestException.ModelNotFound(id);

    private static ModelCard Card(string id, ModelStatus model) => new(id, model.Created.ToUnixTimeSeconds(), "dynamo");
}
