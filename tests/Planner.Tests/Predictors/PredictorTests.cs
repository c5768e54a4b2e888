using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Dynamo.Planner.Predictors;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Tests.Predictors;

public sealed class PredictorTests
{
    [Fact]
    public void Constant_predicts_the_last_value()
    {
        var predictor = new ConstantPredictor();
        Assert.Equal(0, predictor.Predict());

        Observe(predictor, 3, 9, 4);

        Assert.Equal(4, predictor.Predict());
    }

    [Fact]
    public void Moving_average_averages_the_last_window()
    {
        var predictor = new MovingAveragePredictor(3);
        Assert.Equal(0, predictor.Predict());

        Observe(predictor, 1, 2);
        Assert.Equal(1.5, predictor.Predict());
        Observe(predictor, 3, 4);
        Assert.Equal(3, predictor.Predict());
    }

    [Fact]
    public void Exponential_smoothing_moves_alpha_of_the_way_to_each_value()
    {
        var predictor = new ExponentialPredictor(alpha: 0.5, beta: 0);
        Assert.Equal(0, predictor.Predict());

        Observe(predictor, 10);
        Assert.Equal(10, predictor.Predict());
        Observe(predictor, 20);
        Assert.Equal(15, predictor.Predict());
        Observe(predictor, 20);
        Assert.Equal(17.5, predictor.Predict());
    }

    [Fact]
    public void With_a_trend_a_steady_ramp_is_followed_without_lag()
    {
        var predictor = new ExponentialPredictor(alpha: 0.5, beta: 0.5);

        Observe(predictor, 10, 20, 30, 40);

        Assert.Equal(50, predictor.Predict(), 9);
    }

    [Fact]
    public void A_falling_trend_never_forecasts_a_negative_load()
    {
        var predictor = new ExponentialPredictor(alpha: 0.9, beta: 0.9);

        Observe(predictor, 40, 30, 20, 10, 0);

        Assert.Equal(0, predictor.Predict());
    }

    [Fact]
    public void A_settled_series_is_predicted_exactly_by_every_predictor()
    {
        ILoadPredictor[] predictors = [new ConstantPredictor(), new MovingAveragePredictor(5), new ExponentialPredictor(0.3, 0), new ExponentialPredictor(0.3, 0.2)];
        foreach (var predictor in predictors)
        {
            Observe(predictor, [.. Enumerable.Repeat(7.25, 40)]);
            Assert.Equal(7.25, predictor.Predict(), 9);
        }
    }

    [Fact]
    public void Factories_read_their_options_and_refuse_bad_ones()
    {
        Assert.Equal(2, Predict(new MovingAveragePredictorFactory(), new() { ["Window"] = "2" }, 1, 9, 1, 3));
        Assert.Equal(5, Predict(new MovingAveragePredictorFactory(), [], 1, 9, 1, 3, 11));
        Assert.Equal(19, Predict(new ExponentialPredictorFactory(), new() { ["Alpha"] = "0.9" }, 10, 20));
        Assert.Equal(40, Predict(new ExponentialPredictorFactory(), new() { ["Alpha"] = "1", ["Beta"] = "1" }, 10, 20, 30));
        Assert.Equal(3, Predict(new ConstantPredictorFactory(), [], 1, 3));

        Assert.Throws<ArgumentException>(() => Create(new MovingAveragePredictorFactory(), new() { ["Window"] = "0" }));
        Assert.Throws<ArgumentException>(() => Create(new ExponentialPredictorFactory(), new() { ["Alpha"] = "0" }));
        Assert.Throws<ArgumentException>(() => Create(new ExponentialPredictorFactory(), new() { ["Beta"] = "1.5" }));
    }

    private static void Observe(ILoadPredictor predictor, params double[] values)
    {
        foreach (var value in values)
            predictor.Observe(value);
    }

    private static double Predict(IComponentFactory<ILoadPredictor> factory, Dictionary<string, string?> options, params double[] values)
    {
        var predictor = Create(factory, options);
        Observe(predictor, values);
        return predictor.Predict();
    }

    private static ILoadPredictor Create(IComponentFactory<ILoadPredictor> factory, Dictionary<string, string?> options) =>
        factory.Create(new ComponentContext("m", factory.Name, new ConfigurationBuilder().AddInMemoryCollection(options).Build(), EmptyServices.Instance));

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
