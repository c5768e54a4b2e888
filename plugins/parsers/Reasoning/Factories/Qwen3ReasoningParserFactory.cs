using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>
/// Qwen3 thinking models: the template opens <c>&lt;think&gt;</c> unless thinking is off, so text before
/// <c>&lt;/think&gt;</c> is reasoning even without the start tag; a tool call cuts the thought short (as vLLM reads them).
/// </summary>
internal sealed class Qwen3ReasoningParserFactory() : TagReasoningParserFactory("qwen3", new("<think>", "</think>", Opening.InReasoning) { Exits = ["<tool_call>"] }, "qwen3_thinking");
