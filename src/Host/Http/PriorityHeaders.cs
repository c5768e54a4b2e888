using System.Globalization;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Http;

/// <summary>
/// Dynamo's scheduling headers, which override the body's hints: <c>x-dynamo-request-priority</c>
/// (any integer, <c>agent_hints.priority</c>) and <c>x-dynamo-request-strict-priority</c> (0 or more,
/// <c>agent_hints.strict_priority</c>).
/// </summary>
internal static class PriorityHeaders
{
    public const string Priority = "x-dynamo-request-priority";
    public const string StrictPriority = "x-dynamo-request-strict-priority";

    public static RequestMetadata Apply(HttpRequest request, RequestMetadata metadata)
    {
        var priority = Integer(request, Priority, min: int.MinValue);
        var strict = Integer(request, StrictPriority, min: 0);
        if (priority is null && strict is null)
            return metadata;
        var hints = metadata.AgentHints ?? new AgentHints(null, null, null, null);
        return metadata with { AgentHints = hints with { Priority = priority ?? hints.Priority, StrictPriority = strict ?? hints.StrictPriority } };
    }

    private static int? Integer(HttpRequest request, string name, int min) =>
        request.Headers[name].FirstOrDefault() is not { Length: > 0 } text ? null
        : int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min ? value
        : throw DynamoRequestException.BadRequest($"Header '{name}' must be {(min == 0 ? "a whole number, 0 or more" : "a whole number")}, got '{text}'.", name);
}
