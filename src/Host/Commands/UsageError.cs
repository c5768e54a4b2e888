using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Options;

namespace Dynamo.Host.Commands;

/// <summary>Failures that are the user's to fix: said in one line, never as a stack trace.</summary>
internal static class UsageError
{
    public static string? Message(Exception exception) => exception switch
    {
        DynamoConfigurationException config => config.Message,
        OptionsValidationException options => string.Join(" ", options.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Message(e) is not null) =>
            string.Join(" ", aggregate.InnerExceptions.Select(Message)),
        _ => null,
    };
}
