namespace Dynamo.Host.Configuration;

/// <summary>The configuration cannot be served; the message says what to change. Fatal at startup.</summary>
internal sealed class DynamoConfigurationException(string message) : Exception(message);
