using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Gemma 4: <c>&lt;|channel&gt;thought\n…&lt;channel|&gt;</c> (the <c>thought</c> label dropped); a tool call cuts the thought short.</summary>
internal sealed class Gemma4ReasoningParserFactory() : TagReasoningParserFactory("gemma4",
    new("<|channel>", "<channel|>", Opening.AtStartMarker) { Label = "thought\n", Exits = ["<|tool_call>"] });
