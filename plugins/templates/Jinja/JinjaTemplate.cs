using Dynamo.Templates.Jinja.Parsing;
using Dynamo.Templates.Jinja.Runtime;
using Dynamo.Templates.Jinja.Syntax;

namespace Dynamo.Templates.Jinja;

/// <summary>A compiled Jinja template, rendered any number of times (thread-safe: rendering keeps no state).</summary>
public sealed class JinjaTemplate
{
    /// <summary>The parsed statements; the chat template also asks them what the source does with tool-call arguments.</summary>
    internal IReadOnlyList<Node> Nodes { get; }

    // The globals never change: renders only read them, each in a scope of its own on top.
    private readonly Scope _globals = new(null);

    /// <param name="now">The clock for <c>strftime_now</c>.</param>
    /// <exception cref="TemplateException">The template does not parse; the message names the line.</exception>
    public JinjaTemplate(string source, Func<DateTimeOffset>? now = null)
    {
        Nodes = Parser.Parse(source);
        Globals.AddTo(_globals, now ?? (() => DateTimeOffset.Now));
    }

    /// <param name="variables">Plain .NET values: null, bool, integers, floating point, strings, lists, dictionaries with string keys, and JSON elements.</param>
    /// <exception cref="TemplateException">Rendering failed; the message names the line.</exception>
    /// <exception cref="RaisedException">The template refused the input with raise_exception.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        var scope = new Scope(_globals);
        foreach (var (name, value) in variables)
            scope.Set(name, TemplateValues.From(value));
        return Renderer.Render(Nodes, scope);
    }
}
