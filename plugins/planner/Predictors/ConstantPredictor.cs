using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Predictors;

/// <summary>The next interval looks like the last one.</summary>
internal sealed class ConstantPredictor : ILoadPredictor
{
    private double _last;

    public void Observe(double value) => _last = value;

    public double Predict() => _last;
}
