using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class HarmonyToolCallParserFactory() : ToolCallParserFactory("harmony", "openai", "gpt_oss")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.HarmonyFormat();

    // <|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{…}; <|call|> (a stop token) ends it. One call per message.
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Special("<|channel|>"), SyntaxPart.Literal("commentary to=functions."), SyntaxPart.Name, SyntaxPart.Literal(" "),
         SyntaxPart.Special("<|constrain|>"), SyntaxPart.Literal("json"), SyntaxPart.Special("<|message|>"), SyntaxPart.Arguments]);
}
