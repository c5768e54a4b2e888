using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Kimi K2.5: the output begins in <c>&lt;think&gt;</c>; a tool-call section cuts it short (either spelling, or a bare call).</summary>
internal sealed class KimiK25ReasoningParserFactory() : TagReasoningParserFactory("kimi_k25",
    new("<think>", "</think>", Opening.InReasoning) { Exits = ["<|tool_calls_section_begin|>", "<|tool_call_section_begin|>", "<|tool_call_begin|>"] });
