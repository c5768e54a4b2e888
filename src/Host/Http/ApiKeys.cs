using System.Security.Cryptography;
using System.Text;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Microsoft.Extensions.Options;

namespace Dynamo.Host.Http;

/// <summary>
/// <c>Dynamo:ApiKeys</c>: when any are configured, every API request must carry one, as
/// <c>Authorization: Bearer KEY</c> (OpenAI's SDKs) or <c>x-api-key: KEY</c> (Anthropic's). Off when the list is empty.
/// </summary>
internal sealed class ApiKeys(IOptions<DynamoOptions> options)
{
    private readonly byte[][] _keys = [.. options.Value.ApiKeys.Select(Encoding.UTF8.GetBytes)];

    /// <exception cref="DynamoRequestException">Keys are on and the request has none of them.</exception>
    public void Check(HttpRequest request)
    {
        if (_keys.Length == 0)
            return;
        var given = request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : request.Headers["x-api-key"].FirstOrDefault();
        if (given is null)
            throw new DynamoRequestException(RequestErrorKind.Unauthorized, "This server needs an API key: send it as 'Authorization: Bearer KEY' or 'x-api-key: KEY'.", code: "missing_api_key");
        var bytes = Encoding.UTF8.GetBytes(given);
        // Compared in constant time, so the time taken says nothing about how much of a key matched.
        if (!_keys.Any(key => CryptographicOperations.FixedTimeEquals(key, bytes)))
            throw new DynamoRequestException(RequestErrorKind.Unauthorized, "The API key is not valid.", code: "invalid_api_key");
    }
}
