using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Magistral: <c>[THINK]…[/THINK]</c>, written by the model (no tag, no reasoning).</summary>
internal sealed class MistralReasoningParserFactory() : TagReasoningParserFactory("mistral", new("[THINK]", "[/THINK]", Opening.AtStartMarker), "magistral");
