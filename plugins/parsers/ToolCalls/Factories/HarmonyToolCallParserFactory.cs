using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.ToolCalls.Harmony;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary>gpt-oss: harmony messages are read whole (see <see cref="HarmonyToolCallStream"/>), not as sections after a marker.</summary>
internal sealed class HarmonyToolCallParserFactory : IComponentFactory<IToolCallParser>
{
    public string Name => "harmony";

    public IReadOnlyList<string> Aliases { get; } = ["openai", "gpt_oss"];

    // <|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{…}; <|call|> (a stop token) ends it. One call per message.
    private static readonly ToolCallSyntax Syntax = new(
        [SyntaxPart.Special("<|channel|>"), SyntaxPart.Literal("commentary to=functions."), SyntaxPart.Name, SyntaxPart.Literal(" "),
         SyntaxPart.Special("<|constrain|>"), SyntaxPart.Literal("json"), SyntaxPart.Special("<|message|>"), SyntaxPart.Arguments]);

    public IToolCallParser Create(ComponentContext context) => new StreamToolCallParser((_, random) => new HarmonyToolCallStream(random), Syntax);
}
