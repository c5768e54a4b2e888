namespace Dynamo.Host.Commands;

/// <summary><c>dynamo serve</c>: start the models, then serve until stopped.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var app = DynamoApplication.Build(args);
        app.StartModels();
        await app.RunAsync();
        return 0;
    }
}
