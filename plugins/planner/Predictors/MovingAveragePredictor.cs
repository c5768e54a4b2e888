using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Predictors;

/// <summary>The mean of the last <c>window</c> values: noise averages out, a trend shows late by half a window.</summary>
internal sealed class MovingAveragePredictor : ILoadPredictor
{
    private readonly Queue<double> _values = new();
    private readonly int _window;

    public MovingAveragePredictor(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _window = window;
    }

    public void Observe(double value)
    {
        _values.Enqueue(value);
        if (_values.Count > _window)
            _values.Dequeue();
    }

    public double Predict() => _values.Count == 0 ? 0 : _values.Average();
}
