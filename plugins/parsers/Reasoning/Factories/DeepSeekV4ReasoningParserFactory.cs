using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>DeepSeek V4: <c>&lt;think&gt;…&lt;/think&gt;</c>, the thought cut short by a DSML tool call; it begins in reasoning when thinking is on.</summary>
internal sealed class DeepSeekV4ReasoningParserFactory() : TagReasoningParserFactory("deepseek_v4",
    new("<think>", "</think>", Opening.WhenThinkingOn) { Exits = ["<｜DSML｜tool_calls>", "<｜DSML｜invoke name="] });
