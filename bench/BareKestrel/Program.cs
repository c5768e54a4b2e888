using System.Text;

// The baseline for bench/http-load.sh: Kestrel reading a chat request body and answering with a
// fixed chat.completion of about the same size as Dynamo's. Whatever Dynamo costs beyond this is
// Dynamo's own (parsing, templating, tokenizing, routing, the engine, detokenizing, serializing).
var response = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-0123456789abcdef0123456789abcdef","created":1795536136,"model":"dynamo-mocker","choices":[{"index":0,"message":{"role":"assistant","content":" clear with is ready"},"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":19,"completion_tokens":16,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":0}},"object":"chat.completion"}""");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.MapPost("/v1/chat/completions", async (HttpContext context) =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(response, context.RequestAborted);
});
app.Run();
