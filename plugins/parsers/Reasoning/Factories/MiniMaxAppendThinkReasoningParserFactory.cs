using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>MiniMax served so that the answer should carry its <c>&lt;think&gt;</c>: Dynamo splits it as a thought the template opened.</summary>
internal sealed class MiniMaxAppendThinkReasoningParserFactory() : TagReasoningParserFactory("minimax_append_think", new("<think>", "</think>", Opening.InReasoning));
