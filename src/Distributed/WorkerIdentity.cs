using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;

namespace Dynamo.Distributed;

/// <summary>Which configured model a <c>dynamo worker</c> serves, the id it registers under, and its role (prefill, decode or both).</summary>
public sealed record WorkerIdentity(string Model, string WorkerId, WorkerRole Role = WorkerRole.Both)
{
    /// <exception cref="DynamoConfigurationException">The model is not configured (or must be named), or the id cannot be a NATS subject token.</exception>
    /// <param name="role"><c>--role</c> or <c>Dynamo:Worker:Role</c>: prefill, decode or both (the default).</param>
    public static WorkerIdentity Choose(DynamoOptions options, string? model, string? workerId, string? role = null)
    {
        var names = string.Join(", ", options.Models.Select(m => $"'{m.Name}'"));
        var chosen = model is null
            ? options.Models.Count == 1 ? options.Models[0].Name
                : throw new DynamoConfigurationException($"This configuration has {options.Models.Count} models: pick one with --model ({names}).")
            : options.Models.Any(m => m.Name == model) ? model
                : throw new DynamoConfigurationException($"--model '{model}' is not configured; configured models: {names}.");
        workerId ??= DefaultWorkerId(chosen);
        if (!NatsSubjects.IsValidWorkerId(workerId))
            throw new DynamoConfigurationException($"--worker-id '{workerId}' may hold only letters, digits, '-' and '_' (it becomes a NATS subject token).");
        return new WorkerIdentity(chosen, workerId, DisaggregationOptions.Role(role, "--role (Dynamo:Worker:Role)"));
    }

    // Unique per process on a machine, readable in logs; on Kubernetes the machine name is the pod's.
    private static string DefaultWorkerId(string model) =>
        new([.. $"{model}-{Environment.MachineName}-{Environment.ProcessId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
}
