namespace Dynamo.Runtime;

/// <summary>Components come from plugins and may or may not hold resources.</summary>
internal static class Components
{
    /// <summary>Disposes each that is disposable, in the order given.</summary>
    public static async ValueTask DisposeAsync(IEnumerable<object?> components)
    {
        foreach (var component in components)
        {
            if (component is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else if (component is IDisposable disposable)
                disposable.Dispose();
        }
    }
}
