namespace Dynamo.Host.OpenAi;

/// <summary>The body of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList(List<ModelCard> Data)
{
    public string Object => "list";
}

internal sealed record ModelCard(string Id, long Created, string OwnedBy)
{
    public string Object => "model";
}
