using System.ComponentModel;
using Dynamo.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The runtime as a library: models start with the host, each is an IChatClient keyed by its name.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddDynamo(builder.Configuration);
using var host = builder.Build();
await host.StartAsync();

// 1. A real model (stories260K on the llama engine), streamed.
var stories = host.Services.GetRequiredKeyedService<IChatClient>("stories260K");
Console.Write("stories260K: ");
await foreach (var update in stories.GetStreamingResponseAsync("Once upon a time", new ChatOptions { Temperature = 0, MaxOutputTokens = 40 }))
    Console.Write(update.Text);
Console.WriteLine();

// 2. An agent loop: the scripted mocker asks for a tool, function invocation runs it, the model answers.
using var agent = new ChatClientBuilder(host.Services.GetRequiredKeyedService<IChatClient>("agent"))
    .UseFunctionInvocation()
    .Build();
var options = new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather, "get_weather")] };
var answer = await agent.GetResponseAsync("What is the weather in Paris?", options);
Console.WriteLine($"agent: {answer.Text}");
foreach (var message in answer.Messages)
    foreach (var content in message.Contents)
        if (content is FunctionCallContent call)
            Console.WriteLine($"  called {call.Name}({string.Join(", ", call.Arguments!.Select(a => $"{a.Key}: {a.Value}"))})");
        else if (content is FunctionResultContent result)
            Console.WriteLine($"  it returned: {result.Result}");

await host.StopAsync();

[Description("The current weather in a city.")]
static string GetWeather([Description("The city")] string city) => $"sunny, 21 degrees in {city}";
