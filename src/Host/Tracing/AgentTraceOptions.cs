using Dynamo.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Host.Tracing;

/// <summary><c>Dynamo:AgentTrace</c>: the agent trace stream, off unless enabled here or with <c>DYN_AGENT_TRACE=1</c>.</summary>
/// <param name="Sink"><c>jsonl</c>, <c>jsonl_gz</c> or <c>stderr</c>.</param>
/// <param name="Path">File path prefix for the file sinks: files are <c>{Path}.{n}.jsonl</c> (or <c>.jsonl.gz</c>).</param>
/// <param name="MaxFileBytes">A file sink starts the next file once a file holds this many bytes (before compression).</param>
/// <param name="QueueCapacity">Events waiting to be written; when full, new ones are dropped and counted, never waited for.</param>
internal sealed record AgentTraceOptions(bool Enabled, string Sink, string Path, long MaxFileBytes, int QueueCapacity)
{
    public const string Section = "Dynamo:AgentTrace";
    private static readonly string[] Sinks = ["jsonl", "jsonl_gz", "stderr"];

    public static AgentTraceOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var enabled = section.GetValue("Enabled", false) || Environment.GetEnvironmentVariable("DYN_AGENT_TRACE") is "1" or "true";
        var sink = section["Sink"] ?? "jsonl";
        if (!Sinks.Contains(sink))
            throw new DynamoConfigurationException($"'{Section}:Sink' must be one of {string.Join(", ", Sinks)}; got '{sink}'.");
        var maxBytes = section.GetValue("MaxFileBytes", 64L * 1024 * 1024);
        var capacity = section.GetValue("QueueCapacity", 4096);
        if (maxBytes < 1 || capacity < 1)
            throw new DynamoConfigurationException($"'{Section}:MaxFileBytes' and 'QueueCapacity' must be positive.");
        return new AgentTraceOptions(enabled, sink, section["Path"] ?? "agent-trace", maxBytes, capacity);
    }
}
