namespace Dynamo.Runtime.Configuration;

/// <summary>The configuration cannot be served; the message says what to change. Fatal at startup.</summary>
public sealed class DynamoConfigurationException(string message) : Exception(message)
{
    /// <summary>Reads configuration, turning the binder's "failed to convert" (which names the key and the value) into a configuration error.</summary>
    public static T Reading<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException ex)
        {
            throw new DynamoConfigurationException(ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message);
        }
    }

    /// <inheritdoc cref="Reading{T}"/>
    public static void Reading(Action read) => Reading(() =>
    {
        read();
        return true;
    });
}
