namespace Dynamo.Runtime;

/// <summary>A served model now: its live workers (none: requests get 503 until one joins).</summary>
public sealed record ModelStatus(string Name, DateTimeOffset Created, IReadOnlyList<string> Workers)
{
    public bool Ready => Workers.Count > 0;
}
