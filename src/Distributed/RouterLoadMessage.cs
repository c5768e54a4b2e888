using Dynamo.Abstractions.Routing;

namespace Dynamo.Distributed;

/// <summary>A router's load change on the wire, with the frontend that sent it (so it skips its own).</summary>
internal sealed record RouterLoadMessage(string Frontend, string Model, RouterLoadShare Share);
