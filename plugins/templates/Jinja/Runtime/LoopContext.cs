namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The <c>loop</c> variable of a for loop over already filtered items.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 < items.Count - 1 ? items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new Callable("cycle", (args, _) => args.Count == 0 ? throw new TemplateRuntimeException("loop.cycle needs arguments") : args[Index0 % args.Count]),
        _ => new Undefined($"'loop' has no attribute '{name}'"),
    };
}
