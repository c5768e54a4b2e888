namespace Dynamo.Planner.Inputs;

/// <summary>Where the frontend's load is read: its <c>/metrics</c>, or a Prometheus server that scrapes every frontend.</summary>
internal interface IFrontendMetricsSource
{
    /// <summary>For the log: where it reads.</summary>
    string Description { get; }

    /// <summary>The counters now.</summary>
    /// <exception cref="HttpRequestException">The source cannot be reached or answered with an error.</exception>
    Task<FrontendSample> SampleAsync(CancellationToken cancellationToken);
}
