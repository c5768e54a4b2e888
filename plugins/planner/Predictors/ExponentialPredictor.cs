using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Predictors;

/// <summary>
/// Exponential smoothing: the level moves <c>alpha</c> of the way to each new value. With <c>beta</c> above 0
/// it is Holt's linear method: a smoothed trend is added, so a steady ramp is followed without lag.
/// </summary>
internal sealed class ExponentialPredictor : ILoadPredictor
{
    private readonly double _alpha;
    private readonly double _beta;
    private double _level;
    private double _trend;
    private int _observed;

    public ExponentialPredictor(double alpha, double beta)
    {
        if (!(alpha is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be above 0 and at most 1.");
        if (!(beta is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Beta must be from 0 to 1.");
        (_alpha, _beta) = (alpha, beta);
    }

    public void Observe(double value)
    {
        switch (++_observed)
        {
            case 1:
                _level = value;
                return;
            case 2 when _beta > 0:
                // The trend starts as the first step, so the second interval already extrapolates.
                _trend = value - _level;
                _level = value;
                return;
        }
        var previous = _level;
        _level = _alpha * value + (1 - _alpha) * (_level + _trend);
        if (_beta > 0)
            _trend = _beta * (_level - previous) + (1 - _beta) * _trend;
    }

    // A falling trend must not forecast a negative load.
    public double Predict() => _observed == 0 ? 0 : Math.Max(0, _level + _trend);
}
