namespace Dynamo.Templates.Jinja.Runtime;

/// <summary><c>namespace(…)</c>: the one object templates may assign attributes to (<c>set ns.x = …</c>), so state outlives a loop iteration.</summary>
internal sealed class Namespace : Dictionary<string, object?>
{
}
