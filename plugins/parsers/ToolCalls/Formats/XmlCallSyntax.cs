namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// How an XML-style family writes a call: the name after <see cref="CallOpen"/> up to one of
/// <see cref="NameEnds"/> (consumed unless it is a tag), then parameters
/// <c>KeyOpen KEY KeyEnd ValueOpen VALUE ValueEnd</c>, then <see cref="CallClose"/>; one call per
/// section or several, and an optional <see cref="SectionClose"/>.
/// </summary>
internal sealed record XmlCallSyntax(
    string StartMarker, string CallOpen, string[] NameEnds, string KeyOpen, string KeyEnd, string ValueOpen, string ValueEnd,
    string CallClose, string? SectionClose, bool ManyCalls)
{
    /// <summary>Qwen3-Coder: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;&lt;/function&gt;&lt;/tool_call&gt;</c>.</summary>
    public static readonly XmlCallSyntax Qwen3Coder = new("<tool_call>", "<function=", [">"], "<parameter=", ">", "", "</parameter>", "</function>", "</tool_call>", false);

    /// <summary>GLM 4.5 to 4.7: <c>&lt;tool_call&gt;NAME\n&lt;arg_key&gt;K&lt;/arg_key&gt;\n&lt;arg_value&gt;V&lt;/arg_value&gt;&lt;/tool_call&gt;</c>.</summary>
    public static readonly XmlCallSyntax Glm = new("<tool_call>", "", ["\n", "<arg_key>", "</tool_call>"], "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "</tool_call>", null, false);

    /// <summary>MiniMax M2: <c>&lt;minimax:tool_call&gt;&lt;invoke name="NAME"&gt;&lt;parameter name="K"&gt;V&lt;/parameter&gt;&lt;/invoke&gt;…&lt;/minimax:tool_call&gt;</c>.</summary>
    public static readonly XmlCallSyntax MiniMaxM2 = new("<minimax:tool_call>", "<invoke name=\"", ["\">"], "<parameter name=\"", "\">", "", "</parameter>", "</invoke>", "</minimax:tool_call>", true);
}
