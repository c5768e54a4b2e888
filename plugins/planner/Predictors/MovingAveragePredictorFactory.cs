using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Predictors;

/// <summary><c>"Predictor": "moving-average"</c> or <c>{ "Name": "moving-average", "Window": 5 }</c> (intervals averaged).</summary>
internal sealed class MovingAveragePredictorFactory : IComponentFactory<ILoadPredictor>
{
    public const int DefaultWindow = 5;

    public string Name => "moving-average";

    public ILoadPredictor Create(ComponentContext context)
    {
        var window = context.Options.GetValue("Window", DefaultWindow);
        return window >= 1 ? new MovingAveragePredictor(window) : throw new ArgumentException($"Window must be at least 1 interval, got {window}.");
    }
}
