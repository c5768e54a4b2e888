namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// A KV transfer that did not deliver every block intact: unknown or expired transfer, corrupt block,
/// lost connection. The caller prefills the prompt itself instead.
/// </summary>
public sealed class KvTransferException(string message, Exception? inner = null) : Exception(message, inner);
