using System.Reflection;
using System.Text.Json;
using Dynamo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Tests;

/// <summary>The runtime in a plain .NET host (no ASP.NET, no HTTP), as an application embeds it.</summary>
internal static class RuntimeHost
{
    /// <param name="dynamo">The <c>Dynamo</c> section, as an object serialized to JSON.</param>
    public static IHost Build(object dynamo, params Assembly[] inProcess)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = DynamoServer.RepoRoot });
        builder.Configuration.AddJsonStream(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { Dynamo = dynamo })));
        builder.Configuration[$"Dynamo:PluginsPath"] = DynamoServer.PluginsPath;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDynamo(builder.Configuration, inProcess);
        return builder.Build();
    }
}
