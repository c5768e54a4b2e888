using Dynamo.Templates.Jinja.Syntax;

namespace Dynamo.Templates.Jinja.ChatTemplates;

/// <summary>
/// Whether a template joins tool-call arguments to text with <c>+</c> (<c>'…' + tool['function']['arguments']</c>,
/// as DeepSeek V3.1 and R1 do). Such a template was written for OpenAI's wire form, JSON text;
/// given the parsed object, as vLLM passes it, it fails with "can only concatenate str".
/// </summary>
internal static class ConcatenatedArguments
{
    public static bool In(JinjaTemplate template) =>
        SyntaxWalk.Expressions(template.Nodes).OfType<Binary>().Any(b => b.Operator == "+" && (IsArguments(b.Left) || IsArguments(b.Right)));

    private static bool IsArguments(Expr e) => e is GetAttr { Attribute: "arguments" } or GetItem { Key: Literal { Value: "arguments" } };
}
