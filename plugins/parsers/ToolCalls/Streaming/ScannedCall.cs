namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>A call as far as the text shows it: its name (known before anything is emitted), its arguments so far, and whether they are final.</summary>
/// <param name="Id">The model's own id where the format carries one (Kimi's functions.NAME:IDX); else one is made.</param>
internal sealed record ScannedCall(string Name, string Arguments, bool Complete, string? Id = null);
