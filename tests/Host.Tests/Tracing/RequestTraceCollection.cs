namespace Dynamo.Host.Tests.Tracing;

/// <summary>
/// Servers that trace run one at a time: the metrics exporter listens to every <c>Dynamo.*</c> meter in
/// the process, so two live tracers would both report the trace gauges under one name.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RequestTraceCollection
{
    public const string Name = "Request trace servers";
}
