using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary><c>&lt;think&gt;…&lt;/think&gt;</c> where the model writes both (Dynamo's <c>basic</c>; NemotronDeci and GLM 4.5 behave alike).</summary>
internal sealed class BasicReasoningParserFactory() : TagReasoningParserFactory("basic", new("<think>", "</think>", Opening.AtStartMarker), "nemotron_deci", "glm45");
