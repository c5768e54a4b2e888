namespace Dynamo.Planner.Policy;

/// <summary>The next interval's expected load: requests per second and their mean input and output lengths.</summary>
internal sealed record LoadForecast(double RequestRate, double InputTokens, double OutputTokens);
