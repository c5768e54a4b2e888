using System.Reflection;

namespace Dynamo.Runtime.Plugins;

/// <summary>One discovered plugin: loaded (with the factory types it registered) or failed (with why).</summary>
internal sealed record PluginInfo(string Name, string Location, Assembly? Assembly, IReadOnlyList<Type> FactoryTypes, string? Error)
{
    public bool Loaded => Error is null;
}
