using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>IBM Granite 3.x: "Here is my thought process:" … "Here is my response:", with <c>Here's</c> spelt either way.</summary>
internal sealed class GraniteReasoningParserFactory() : TagReasoningParserFactory("granite",
    new(["Here's my thought process:", "Here is my thought process:"], ["Here's my response:", "Here is my response:"], Opening.AtStartMarker) { DropsStrayEnds = false });
