using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Tracing;

/// <summary><c>Dynamo:AgentTrace</c>: the agent trace stream, off unless enabled here or with <c>DYN_AGENT_TRACE=1</c>.</summary>
public sealed class AgentTraceOptions
{
    public const string Section = "Dynamo:AgentTrace";

    public static readonly string[] Sinks = ["jsonl", "jsonl_gz", "stderr"];

    public bool Enabled { get; set; }

    /// <summary><c>jsonl</c>, <c>jsonl_gz</c> or <c>stderr</c>.</summary>
    public string Sink { get; set; } = "jsonl";

    /// <summary>File path prefix for the file sinks: files are <c>{Path}.{n}.jsonl</c> (or <c>.jsonl.gz</c>).</summary>
    public string Path { get; set; } = "agent-trace";

    /// <summary>A file sink starts the next file once a file holds this many bytes (before compression).</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Events waiting to be written; when full, new ones are dropped and counted, never waited for.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Whether tracing is on: the setting, or Dynamo's environment switch.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(Section).GetValue("Enabled", false) || Environment.GetEnvironmentVariable("DYN_AGENT_TRACE") is "1" or "true";
}
