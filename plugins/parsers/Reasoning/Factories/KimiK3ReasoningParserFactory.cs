using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Kimi K3's channels, the think channel opened by the prompt unless thinking is off: <c>&lt;|open|&gt;think&lt;|sep|&gt;…&lt;|close|&gt;think&lt;|sep|&gt;</c>; any other channel (response, tools) or the message end closes the thought, its markup left for the tool parser.</summary>
internal sealed class KimiK3ReasoningParserFactory() : TagReasoningParserFactory("kimi_k3",
    new("<|open|>think<|sep|>", "<|close|>think<|sep|>", Opening.InReasoning) { Exits = ["<|open|>", "<|close|>", "<|end_of_msg|>"] });
