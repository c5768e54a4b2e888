using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>MiniMax M2: the output begins in <c>&lt;think&gt;</c>; a tool call cuts it short.</summary>
internal sealed class MiniMaxM2ReasoningParserFactory() : TagReasoningParserFactory("minimax_m2",
    new("<think>", "</think>", Opening.InReasoning) { Exits = ["<minimax:tool_call>", "<invoke name="] });
