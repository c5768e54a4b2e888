using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Planner.Predictors;

/// <summary><c>"Predictor": "constant"</c>: the last value, for loads that change in steps.</summary>
internal sealed class ConstantPredictorFactory : IComponentFactory<ILoadPredictor>
{
    public string Name => "constant";

    public ILoadPredictor Create(ComponentContext context) => new ConstantPredictor();
}
