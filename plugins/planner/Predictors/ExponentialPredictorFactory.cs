using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Predictors;

/// <summary>
/// <c>"Predictor": "exponential"</c> or <c>{ "Name": "exponential", "Alpha": 0.5, "Beta": 0.3 }</c>: smoothing
/// weight of the newest value, and of the newest trend (0, the default, for none).
/// </summary>
internal sealed class ExponentialPredictorFactory : IComponentFactory<ILoadPredictor>
{
    public const double DefaultAlpha = 0.5;

    public string Name => "exponential";

    public ILoadPredictor Create(ComponentContext context)
    {
        var alpha = context.Options.GetValue("Alpha", DefaultAlpha);
        var beta = context.Options.GetValue("Beta", 0.0);
        if (!(alpha is > 0 and <= 1) || !(beta is >= 0 and <= 1))
            throw new ArgumentException($"Alpha must be above 0 and at most 1 (got {alpha}), Beta from 0 to 1 (got {beta}).");
        return new ExponentialPredictor(alpha, beta);
    }
}
