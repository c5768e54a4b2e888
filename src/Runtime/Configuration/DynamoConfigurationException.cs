namespace Dynamo.Runtime.Configuration;

/// <summary>The configuration cannot be served; the message says what to change. Fatal at startup.</summary>
public sealed class DynamoConfigurationException(string message) : Exception(message);
