using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>Kimi (K1.5): <c>◁think▷…◁/think▷</c>.</summary>
internal sealed class KimiReasoningParserFactory() : TagReasoningParserFactory("kimi", new("◁think▷", "◁/think▷", Opening.AtStartMarker));
