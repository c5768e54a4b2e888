namespace Dynamo.Testing;

/// <summary>Configurations the tests serve: a fast mocker and an echo model.</summary>
public static class TestConfigs
{
    public static object Model(string name, object engine, object? extra = null) =>
        new Dictionary<string, object?>
        {
            ["Name"] = name,
            ["Engine"] = engine,
            ["Tokenizer"] = "bytes",
            ["ChatTemplate"] = name.Contains("echo") ? "last-user" : "plain",
        }.Concat(extra is null ? [] : ToDictionary(extra)).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>The default model (stories260K) on the llama engine behind the kv router, with a <c>Disaggregation</c> section when given.</summary>
    public static object Stories(string name, object? disaggregation = null) => new Dictionary<string, object?>
    {
        ["Name"] = name,
        ["Path"] = DynamoServer.DefaultModel,
        ["Engine"] = new { Name = "llama", KvBlockSize = 16, KvCapacityTokens = 4096 },
        ["Tokenizer"] = "gguf",
        ["ChatTemplate"] = "plain",
        ["Router"] = new { Name = "kv", Seed = 1 },
        ["Disaggregation"] = disaggregation,
    };

    /// <summary>The default configuration's models: <c>mock</c> (a fast mocker, 4096-token context) and <c>echo</c>.</summary>
    public static object[] DefaultModels =>
    [
        Model("mock", new { Name = "mocker", DecodeItlMs = 0.5, PrefillTokensPerSecond = 1_000_000, OutputTokens = 24, MaxContextLength = 4096 }),
        Model("echo", new { Name = "echo" }),
    ];

    public static object Default(long maxBodyBytes = 1 << 20, params object[] extraModels) => new
    {
        Dynamo = new
        {
            MaxRequestBodyBytes = maxBodyBytes,
            Models = DefaultModels.Concat(extraModels).ToArray(),
        },
    };

    private static IEnumerable<KeyValuePair<string, object?>> ToDictionary(object o) =>
        o.GetType().GetProperties().Select(p => new KeyValuePair<string, object?>(p.Name, p.GetValue(o)));
}
