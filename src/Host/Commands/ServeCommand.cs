namespace Dynamo.Host.Commands;

/// <summary><c>dynamo serve</c>: start the models with the host, then serve until stopped (SIGTERM drains first).</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = DynamoApplication.Build(args, drainOnSignals: true);
        await app.RunAsync();
        return 0;
    }
}
