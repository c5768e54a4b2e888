using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Nemotron Nano 2 and 3: the output begins in <c>&lt;think&gt;</c>, and a <c>&lt;tool_call&gt;</c> cuts the thought short.</summary>
internal sealed class NemotronReasoningParserFactory() : TagReasoningParserFactory("nemotron3",
    new("<think>", "</think>", Opening.InReasoning) { Exits = ["<tool_call>"] }, "nemotron_nano", "nemotron_v3");
