namespace Dynamo.Host.Responses;

/// <summary><c>Dynamo:Responses</c>: the Responses API's store of responses (<c>store: true</c>, the default, as OpenAI's).</summary>
public sealed class ResponsesOptions
{
    public const string Section = "Dynamo:Responses";

    /// <summary>Responses kept at most; beyond it the oldest go first.</summary>
    public int StoreMaxEntries { get; set; } = 10_000;

    /// <summary>How long a stored response can be read back or continued (<c>previous_response_id</c>).</summary>
    public int StoreTtlSeconds { get; set; } = 3600;
}
