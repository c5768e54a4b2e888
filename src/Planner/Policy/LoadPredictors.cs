using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Policy;

/// <summary>One predictor per load signal the throughput mode needs.</summary>
internal sealed record LoadPredictors(ILoadPredictor RequestRate, ILoadPredictor InputTokens, ILoadPredictor OutputTokens);
