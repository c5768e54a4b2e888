using System.Collections.Concurrent;
using System.Net;
using Dynamo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>With an OTLP endpoint configured, the same metrics and each request's span reach a collector (here a fake one on loopback).</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task Metrics_and_request_spans_go_to_the_configured_otlp_collector()
    {
        var received = new ConcurrentBag<(string Path, string ContentType, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Add((context.Request.Path, context.Request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using (var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                Otlp = new { Endpoint = endpoint, Protocol = "http/protobuf" },
                Models = new[] { TestConfigs.Model("exported", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 4 }) },
            },
        }))
        {
            using var response = await server.PostJsonAsync("/v1/chat/completions", """{"model":"exported","messages":[{"role":"user","content":"Hi"}]}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Stopping the host flushes both exporters. Protobuf keeps strings as UTF-8: the names are there to see.
        static bool Holds(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
        Assert.Contains(received, r => r.Path == "/v1/metrics" && r.ContentType == "application/x-protobuf" && Holds(r.Body, "dynamo_frontend_requests_total"));
        Assert.Contains(received, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf"
            && Holds(r.Body, "Dynamo.Frontend") && Holds(r.Body, "chat_completions") && Holds(r.Body, "dynamo.request_id"));
    }

    [Fact]
    public async Task A_bad_otlp_protocol_stops_the_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<Runtime.Configuration.DynamoConfigurationException>(() => DynamoServer.StartAsync(new
        {
            Dynamo = new { Otlp = new { Endpoint = "http://127.0.0.1:4318", Protocol = "carrier-pigeon" }, Models = new[] { TestConfigs.Model("m", new { Name = "echo" }) } },
        }));
        Assert.Contains("'Dynamo:Otlp:Protocol'", error.Message);
    }
}
