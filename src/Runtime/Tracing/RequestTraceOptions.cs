using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// <c>Dynamo:RequestTrace</c>, or Dynamo's <c>DYN_REQUEST_TRACE*</c> variables (which win): the request
/// trace stream of schema <c>dynamo.request.trace.v1</c>. The older <c>Dynamo:AgentTrace</c> section and
/// <c>DYN_AGENT_TRACE=1</c> still work and write the older schema, <c>dynamo.agent.trace.v1</c>.
/// </summary>
public sealed class RequestTraceOptions
{
    public const string Section = "Dynamo:RequestTrace";
    public const string LegacySection = "Dynamo:AgentTrace";
    public const string Schema = "dynamo.request.trace.v1";
    public const string LegacySchema = "dynamo.agent.trace.v1";

    public static readonly string[] RecordKinds = [TraceRecordKinds.RequestEnd, TraceRecordKinds.RequestPayload, TraceRecordKinds.Tool, TraceRecordKinds.RouterSelection];
    public static readonly string[] SinkKinds = ["file", "stderr", "nats", "otel"];

    /// <summary>The schema name every record carries.</summary>
    public string SchemaName { get; set; } = Schema;

    /// <summary>Record types written: <c>request_end</c>, <c>request_payload</c>, <c>tool</c>, <c>router_selection</c>.</summary>
    public List<string> Records { get; set; } = [TraceRecordKinds.RequestEnd, TraceRecordKinds.Tool];

    /// <summary>Where records go: <c>file</c>, <c>stderr</c>, <c>nats</c> (a distributed frontend), <c>otel</c> (OTLP logs).</summary>
    public List<string> Sinks { get; set; } = ["file"];

    /// <summary>The file for <c>jsonl</c>; the segment prefix for <c>jsonl_gz</c> (a trailing <c>.jsonl</c> is dropped).</summary>
    public string FilePath { get; set; } = "request-trace.jsonl";

    /// <summary><c>jsonl</c> (one file, appended) or <c>jsonl_gz</c> (rolling segments <c>{prefix}.000000.jsonl.gz</c>).</summary>
    public string FileFormat { get; set; } = "jsonl";

    /// <summary>A <c>jsonl_gz</c> segment rolls once it holds this many uncompressed bytes.</summary>
    public long FileRollBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A <c>jsonl_gz</c> segment rolls once it holds this many lines (0: no line limit).</summary>
    public long FileRollLines { get; set; }

    /// <summary>Records waiting for the sinks; when full, new ones are dropped and counted, never waited for.</summary>
    public int Capacity { get; set; } = 4096;

    public string NatsSubject { get; set; } = "dynamo.request_trace.v1";

    /// <summary>Request headers copied into <c>request_payload</c> records (case-insensitive; values unredacted).</summary>
    public List<string> HttpHeaderCaptureList { get; set; } = [];

    /// <summary>The largest record the <c>otel</c> sink exports; a larger payload record becomes a marker without its bodies.</summary>
    public int OtelMaxPayloadBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Older layout (<c>Dynamo:AgentTrace</c>): files <c>{prefix}.0000.jsonl[.gz]</c>, each format rolling by size.</summary>
    internal bool LegacyFiles { get; set; }

    public bool Wants(string kind) => Records.Contains(kind);

    /// <summary>
    /// The trace configuration, or null when tracing is off. <c>DYN_REQUEST_TRACE</c> or a non-empty
    /// <c>DYN_REQUEST_TRACE_RECORDS</c> (or <c>Dynamo:RequestTrace:Enabled</c>) turns it on; otherwise
    /// the older agent trace settings apply.
    /// </summary>
    public static RequestTraceOptions? Resolve(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var section = configuration.GetSection(Section);
        var records = environment("DYN_REQUEST_TRACE_RECORDS");
        var enabled = Truthy(environment("DYN_REQUEST_TRACE")) || records is not null || section.GetValue("Enabled", false);
        if (!enabled)
            return Legacy(configuration, environment);
        // Lists bound from configuration are appended to, so they start empty and get defaults after.
        var o = new RequestTraceOptions { Records = [], Sinks = [] };
        section.Bind(o);
        // Setting the records chooses exactly those; an empty list turns tracing off, as in Dynamo.
        o.Records = records is not null ? Kinds(List(records), "DYN_REQUEST_TRACE_RECORDS")
            : o.Records.Count > 0 ? Kinds(o.Records, $"{Section}:Records")
            : [TraceRecordKinds.RequestEnd, TraceRecordKinds.Tool];
        if (o.Records.Count == 0)
            return null;
        o.Sinks = environment("DYN_REQUEST_TRACE_SINKS") is { } sinks ? List(sinks) : o.Sinks.Count > 0 ? o.Sinks : ["file"];
        // Dynamo's older sink names meant the file sink in that format.
        if (o.Sinks.FirstOrDefault(s => s is "jsonl" or "jsonl_gz") is { } format)
        {
            o.FileFormat = o.Sinks.Contains("jsonl_gz") ? "jsonl_gz" : format;
            o.Sinks = [.. o.Sinks.Select(s => s is "jsonl" or "jsonl_gz" ? "file" : s).Distinct()];
        }
        o.FilePath = environment("DYN_REQUEST_TRACE_FILE_PATH") ?? environment("DYN_REQUEST_TRACE_OUTPUT_PATH") ?? o.FilePath;
        o.FileFormat = (environment("DYN_REQUEST_TRACE_FILE_FORMAT") ?? o.FileFormat).Replace("jsonl.gz", "jsonl_gz");
        o.FileRollBytes = Number(environment, "DYN_REQUEST_TRACE_FILE_ROLL_BYTES") ?? o.FileRollBytes;
        o.FileRollLines = Number(environment, "DYN_REQUEST_TRACE_FILE_ROLL_LINES") ?? o.FileRollLines;
        o.Capacity = (int?)Number(environment, "DYN_REQUEST_TRACE_CAPACITY") ?? o.Capacity;
        o.OtelMaxPayloadBytes = (int?)Number(environment, "DYN_REQUEST_TRACE_OTEL_MAX_PAYLOAD_BYTES") ?? o.OtelMaxPayloadBytes;
        o.NatsSubject = environment("DYN_REQUEST_TRACE_NATS_SUBJECT") ?? o.NatsSubject;
        if (environment("DYN_REQUEST_TRACE_HTTP_HEADER_CAPTURE_LIST") is { } headers)
            o.HttpHeaderCaptureList = List(headers);
        o.Validate();
        return o;
    }

    private static RequestTraceOptions? Legacy(IConfiguration configuration, Func<string, string?> environment)
    {
        var section = configuration.GetSection(LegacySection);
        if (!section.GetValue("Enabled", false) && environment("DYN_AGENT_TRACE") is not ("1" or "true"))
            return null;
        var sink = section["Sink"] ?? "jsonl";
        if (sink is not ("jsonl" or "jsonl_gz" or "stderr"))
            throw new DynamoConfigurationException($"'{LegacySection}:Sink' must be one of jsonl, jsonl_gz, stderr; got '{sink}'.");
        var o = new RequestTraceOptions
        {
            SchemaName = LegacySchema,
            LegacyFiles = true,
            Sinks = [sink == "stderr" ? "stderr" : "file"],
            FileFormat = sink == "stderr" ? "jsonl" : sink,
            FilePath = section["Path"] ?? "agent-trace",
            FileRollBytes = section.GetValue("MaxFileBytes", 64L * 1024 * 1024),
            Capacity = section.GetValue("QueueCapacity", 4096),
        };
        o.Validate();
        return o;
    }

    private void Validate()
    {
        if (Sinks.Count == 0)
            throw new DynamoConfigurationException("The request trace needs at least one sink (DYN_REQUEST_TRACE_SINKS): file, stderr, nats or otel.");
        if (Sinks.FirstOrDefault(s => !SinkKinds.Contains(s)) is { } sink)
            throw new DynamoConfigurationException($"Request trace sink '{sink}' is not one of {string.Join(", ", SinkKinds)}.");
        if (FileFormat is not ("jsonl" or "jsonl_gz"))
            throw new DynamoConfigurationException($"DYN_REQUEST_TRACE_FILE_FORMAT must be jsonl or jsonl_gz, got '{FileFormat}'.");
        if (FileRollBytes <= 0 || FileRollLines < 0 || Capacity <= 0 || OtelMaxPayloadBytes <= 0)
            throw new DynamoConfigurationException("The request trace's roll bytes, capacity and OTLP payload limit must be positive, and roll lines 0 or more.");
        if (string.IsNullOrWhiteSpace(FilePath) || string.IsNullOrWhiteSpace(NatsSubject))
            throw new DynamoConfigurationException("The request trace's file path and NATS subject must not be empty.");
    }

    private static bool Truthy(string? value) => value?.Trim().ToLowerInvariant() is "1" or "true" or "on" or "yes";

    private static List<string> List(string value) =>
        [.. value.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant()).Distinct()];

    // Dynamo's spellings of the tool events all mean the tool records.
    private static List<string> Kinds(IEnumerable<string> values, string name) =>
        [.. values.Select(v => v is "tools" or "tool_start" or "tool_end" or "tool_error" ? TraceRecordKinds.Tool : v).Distinct().Select(v =>
            RecordKinds.Contains(v) ? v : throw new DynamoConfigurationException($"{name}: '{v}' is not one of {string.Join(", ", RecordKinds)}."))];

    private static long? Number(Func<string, string?> environment, string name) =>
        environment(name) is not { } text ? null
        : long.TryParse(text, out var value) && value >= 0 ? (value == 0 ? null : value)
        : throw new DynamoConfigurationException($"{name} must be a whole number, got '{text}'.");
}
