namespace Dynamo.Dev.Tests;

/// <summary>
/// Tests that compare routers or serving modes on the mocker's simulated time: they run one at a time, since
/// on two cores one's load skews the other's timings (and with them which worker holds which prefix).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatedTimeCollection
{
    public const string Name = "simulated time";
}
