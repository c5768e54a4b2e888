namespace Dynamo.Distributed;

/// <summary>
/// The NATS subjects of the runtime. Everything a worker serves or says is under
/// <c>dynamo.worker.{id}.</c>, so a frontend subscribes once with a wildcard for all workers.
/// </summary>
internal static class NatsSubjects
{
    private const string Prefix = "dynamo.worker.";

    /// <summary>Request/reply: an <c>EngineRequest</c> in, a stream of <see cref="GenerateFrame"/>s to the reply inbox.</summary>
    public static string Generate(string workerId) => $"{Prefix}{workerId}.generate";

    /// <summary>A request id whose work the worker should stop (its client went away).</summary>
    public static string Cancel(string workerId) => $"{Prefix}{workerId}.cancel";

    /// <summary>Batches of KV cache events.</summary>
    public static string KvEvents(string workerId) => $"{Prefix}{workerId}.kv_events";

    /// <summary>Request/reply: every block the worker's KV tiers hold now, for a frontend that meets it late.</summary>
    public static string KvSnapshot(string workerId) => $"{Prefix}{workerId}.kv_snapshot";

    /// <summary>The worker's <c>EngineLoad</c>.</summary>
    public static string Load(string workerId) => $"{Prefix}{workerId}.load";

    /// <summary>Router replica sync: one model's routers' load changes, from every frontend (model names may hold dots, so this is a tail).</summary>
    public static string RouterLoad(string model) => $"dynamo.router_load.{Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(model))}";

    public const string AllRouterLoad = "dynamo.router_load.*";

    public const string AllKvEvents = Prefix + "*.kv_events";
    public const string AllLoad = Prefix + "*.load";

    /// <summary>The worker id inside a subject of this runtime.</summary>
    public static string WorkerIdOf(string subject) => subject[Prefix.Length..subject.LastIndexOf('.')];

    /// <summary>Worker ids become subject tokens and bucket keys: letters, digits, '-' and '_' only.</summary>
    public static bool IsValidWorkerId(string id) => id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
