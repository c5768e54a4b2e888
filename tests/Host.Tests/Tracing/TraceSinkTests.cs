using System.Text.Json;
using Dynamo.Dev.Cluster;
using Dynamo.Distributed;
using Dynamo.Host.Tracing;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Tracing;
using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using OpenTelemetry.Logs;

namespace Dynamo.Host.Tests.Tracing;

/// <summary>The request trace's configuration (Dynamo's variables) and each sink, read back field by field.</summary>
public sealed class TraceSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-trace-sinks-").FullName;

    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    private static RequestTraceOptions? Resolve(Dictionary<string, string> environment, IConfiguration? configuration = null) =>
        RequestTraceOptions.Resolve(configuration ?? Empty, name => environment.GetValueOrDefault(name));

    private static TraceEvent Payload(string request = """{"model":"m"}""") => new("request_payload", 1795550000000, "dynamo", null,
        Payload: new PayloadTrace("chatcmpl-1", "openai.chat_completion", "m", JsonDocument.Parse(request).RootElement.Clone(),
            JsonDocument.Parse("""{"choices":[]}""").RootElement.Clone(), new Dictionary<string, string> { ["x-request-id"] = "r-1" }, true));

    private static byte[] Json(TraceEvent record) => JsonSerializer.SerializeToUtf8Bytes(record, RequestTracer.Json);

    [Fact]
    public void Dynamo_s_variables_configure_the_trace_and_win_over_appsettings()
    {
        Assert.Null(Resolve([]));
        var defaults = Resolve(new() { ["DYN_REQUEST_TRACE"] = "1" })!;
        Assert.Equal(["request_end", "tool"], defaults.Records);
        Assert.Equal(["file"], defaults.Sinks);
        Assert.Equal(("request-trace.jsonl", "jsonl", 4096, "dynamo.request_trace.v1"), (defaults.FilePath, defaults.FileFormat, defaults.Capacity, defaults.NatsSubject));

        var appsettings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dynamo:RequestTrace:Enabled"] = "true", ["Dynamo:RequestTrace:FilePath"] = "from-appsettings", ["Dynamo:RequestTrace:Sinks:0"] = "stderr",
        }).Build();
        var o = Resolve(new()
        {
            ["DYN_REQUEST_TRACE_RECORDS"] = "request_payload, tool_end,router_selection",
            ["DYN_REQUEST_TRACE_SINKS"] = "jsonl_gz,nats",
            ["DYN_REQUEST_TRACE_FILE_PATH"] = "/tmp/x/trace",
            ["DYN_REQUEST_TRACE_FILE_ROLL_BYTES"] = "1000",
            ["DYN_REQUEST_TRACE_FILE_ROLL_LINES"] = "10",
            ["DYN_REQUEST_TRACE_CAPACITY"] = "16",
            ["DYN_REQUEST_TRACE_NATS_SUBJECT"] = "traces.here",
            ["DYN_REQUEST_TRACE_HTTP_HEADER_CAPTURE_LIST"] = "X-Request-Id x-team",
        }, appsettings)!;
        Assert.Equal(["request_payload", "tool", "router_selection"], o.Records);
        Assert.Equal(["file", "nats"], o.Sinks);
        Assert.Equal(("/tmp/x/trace", "jsonl_gz", 1000L, 10L, 16, "traces.here"), (o.FilePath, o.FileFormat, o.FileRollBytes, o.FileRollLines, o.Capacity, o.NatsSubject));
        Assert.Equal(["x-request-id", "x-team"], o.HttpHeaderCaptureList);
        Assert.Equal("from-appsettings", Resolve([], appsettings)!.FilePath);

        // An empty record list turns tracing off; the older switch gives the older schema.
        Assert.Null(Resolve(new() { ["DYN_REQUEST_TRACE"] = "1", ["DYN_REQUEST_TRACE_RECORDS"] = " , " }));
        Assert.Equal(RequestTraceOptions.LegacySchema, Resolve(new() { ["DYN_AGENT_TRACE"] = "1" })!.SchemaName);
    }

    [Theory]
    [InlineData("DYN_REQUEST_TRACE_SINKS", "file,s3", "'s3'")]
    [InlineData("DYN_REQUEST_TRACE_RECORDS", "request_end,everything", "'everything'")]
    [InlineData("DYN_REQUEST_TRACE_FILE_FORMAT", "parquet", "parquet")]
    [InlineData("DYN_REQUEST_TRACE_CAPACITY", "lots", "DYN_REQUEST_TRACE_CAPACITY")]
    public void A_bad_setting_stops_the_start_naming_it(string name, string value, string named)
    {
        var ex = Assert.Throws<DynamoConfigurationException>(() => Resolve(new() { ["DYN_REQUEST_TRACE"] = "1", [name] = value }));
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public async Task The_jsonl_file_is_one_literal_file_appended_across_restarts()
    {
        var path = Path.Combine(_dir, "trace.jsonl");
        for (var run = 0; run < 2; run++)
        {
            await using var sink = new FileTraceSink(new RequestTraceOptions { FilePath = path, FileRollLines = 1 });
            await sink.WriteAsync(new TraceLine(1795550000000 + run, Payload()), Json(Payload()));
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using var line = JsonDocument.Parse(lines[1]);
        Assert.Equal(1795550000001, line.RootElement.GetProperty("timestamp").GetInt64());
        Assert.Equal("chatcmpl-1", line.RootElement.GetProperty("event").GetProperty("payload").GetProperty("request_id").GetString());
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Stderr_writes_bare_records_one_a_line()
    {
        var stream = new MemoryStream();
        await using (var sink = new StderrTraceSink(stream))
        {
            await sink.WriteAsync(new TraceLine(1, Payload()), Json(Payload()));
            await sink.WriteAsync(new TraceLine(2, Payload()), Json(Payload()));
            await sink.FlushAsync();
            var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            using var record = JsonDocument.Parse(lines[0]);
            Assert.Equal(("dynamo.request.trace.v1", "request_payload"), (record.RootElement.GetProperty("schema").GetString(), record.RootElement.GetProperty("event_type").GetString()));
        }
    }

    [Fact]
    public async Task Otel_exports_a_log_record_per_trace_record_and_a_marker_for_an_oversized_payload()
    {
        var exported = new List<LogRecord>();
        var options = new RequestTraceOptions { OtelMaxPayloadBytes = 600 };
        await using (var sink = new OtelTraceSink(options, "dynamo-test", o => o.AddInMemoryExporter(exported)))
        {
            await sink.WriteAsync(new TraceLine(1, Payload()), Json(Payload()));
            var big = Payload($$"""{"model":"m","messages":[{"role":"user","content":"{{new string('x', 1000)}}"}]}""");
            await sink.WriteAsync(new TraceLine(2, big), Json(big));
            var end = new TraceEvent("request_end", 1795550000000, "dynamo", null, new RequestTrace("chatcmpl-2", null, "m", "success", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, null));
            await sink.WriteAsync(new TraceLine(3, end), Json(end));
        }
        Assert.Equal(3, exported.Count);
        Dictionary<string, object?> Attributes(LogRecord r) => r.Attributes!.ToDictionary(a => a.Key, a => a.Value);
        var small = Attributes(exported[0]);
        Assert.Equal("request_payload", exported[0].Body);
        Assert.Equal(OtelTraceSink.LoggerName, exported[0].CategoryName);
        Assert.Equal(("dynamo.request.trace.v1", "request_payload", "chatcmpl-1", "m", "openai.chat_completion", true),
            (small["schema"], small["event_type"], small["rid"], small["model"], small["endpoint"], small["payload_complete"]));
        using (var whole = JsonDocument.Parse((string)small["payload"]!))
            Assert.Equal("r-1", whole.RootElement.GetProperty("payload").GetProperty("http_request_headers").GetProperty("x-request-id").GetString());

        var marker = Attributes(exported[1]);
        Assert.Equal(false, marker["payload_complete"]);
        Assert.Matches(@"^otel_payload_too_large:max_bytes=600:actual_bytes=\d+$", (string)marker["payload_drop_reason"]!);
        using (var whole = JsonDocument.Parse((string)marker["payload"]!))
        {
            Assert.False(whole.RootElement.GetProperty("payload").TryGetProperty("request", out _));
            Assert.Equal("r-1", whole.RootElement.GetProperty("payload").GetProperty("http_request_headers").GetProperty("x-request-id").GetString());
        }
        Assert.Equal(("request_end", "chatcmpl-2"), (exported[2].Body, Attributes(exported[2])["rid"]));
    }

    [Fact]
    public async Task Nats_publishes_bare_records_on_the_subject_a_subscriber_reads()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var subscriber = new NatsConnection(new NatsOpts { Url = server.Url });
        await using var subscription = await subscriber.SubscribeCoreAsync<byte[]>("traces.test");
        await subscriber.PingAsync();
        await using (var sink = new NatsTraceSink(new NatsOptions { Url = server.Url }, new RequestTraceOptions { NatsSubject = "traces.test" }))
        {
            await sink.WriteAsync(new TraceLine(1, Payload()), Json(Payload()));
            await sink.FlushAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await subscription.Msgs.ReadAsync(timeout.Token);
        using var record = JsonDocument.Parse(message.Data);
        Assert.Equal(("request_payload", "chatcmpl-1"), (record.RootElement.GetProperty("event_type").GetString(), record.RootElement.GetProperty("payload").GetProperty("request_id").GetString()));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
