namespace Dynamo.Planner.Inputs;

/// <summary>One sample of a Prometheus exposition or query result: a series' name, labels and value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.GetValueOrDefault(name);
}
