using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>
/// The template opens <c>&lt;think&gt;</c>, so the output begins in reasoning (DeepSeek R1, V3 to V3.2 in thinking
/// mode, Step 3: the families Dynamo parses alike).
/// </summary>
internal sealed class DeepSeekR1ReasoningParserFactory() : TagReasoningParserFactory("deepseek_r1", new("<think>", "</think>", Opening.InReasoning),
    "deepseek_v3", "deepseek_v3_1", "deepseek_v3_2", "step3");
