using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Configuration;

/// <summary>Checks <see cref="DynamoOptions"/> at start (<c>ValidateOnStart</c>), so a bad configuration stops the host with what to change.</summary>
internal sealed class DynamoOptionsValidator : IValidateOptions<DynamoOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamoOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBodyBytes < 1)
            failures.Add($"'Dynamo:MaxRequestBodyBytes' must be positive, got {options.MaxRequestBodyBytes}.");
        if (options.Models.Count == 0)
            failures.Add("No models are configured: add at least one entry to 'Dynamo:Models'.");
        foreach (var duplicate in options.Models.GroupBy(m => m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            failures.Add($"Model name '{duplicate.Key}' is configured more than once.");
        foreach (var (level, budget) in options.ReasoningEffort)
            if (level.ToLowerInvariant() is not ("low" or "medium" or "high") || budget < 1)
                failures.Add($"'Dynamo:ReasoningEffort:{level}' must be one of Low, Medium, High with a budget of at least 1 token, got {budget}.");
        foreach (var (pattern, target) in options.ModelAliases)
            if (options.Models.All(m => m.Name != target))
                failures.Add($"'Dynamo:ModelAliases:{pattern}' names '{target}', which is not a configured model ({string.Join(", ", options.Models.Select(m => $"'{m.Name}'"))}).");
        foreach (var model in options.Models)
        {
            if (model.Replicas < 1)
                failures.Add($"Model '{model.Name}': 'Replicas' must be at least 1, got {model.Replicas}.");
            if (model.MigrationLimit < 0)
                failures.Add($"Model '{model.Name}': 'MigrationLimit' must be 0 or more, got {model.MigrationLimit}.");
            if (model.BusyThresholds?.Problem() is { } busy)
                failures.Add($"Model '{model.Name}': 'BusyThresholds': {busy}");
            if (model.Disaggregation?.Problem() is { } disaggregation)
                failures.Add($"Model '{model.Name}': {disaggregation}");
            if (model.SessionAffinity?.Problem() is { } affinity)
                failures.Add($"Model '{model.Name}': {affinity}");
            if (model.BusyThreshold < 1)
                failures.Add($"Model '{model.Name}': 'BusyThreshold' (requests in flight per worker before new ones queue by priority) must be at least 1, got {model.BusyThreshold}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
