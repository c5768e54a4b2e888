namespace Dynamo.Abstractions.Planner;

/// <summary>
/// Forecasts the next adjustment interval's value of one load signal (request rate, input or output
/// length) from the values observed so far, one per interval. One instance per signal.
/// </summary>
public interface ILoadPredictor
{
    /// <summary>The value the last interval had.</summary>
    void Observe(double value);

    /// <summary>The value expected for the next interval; 0 before anything was observed.</summary>
    double Predict();
}
