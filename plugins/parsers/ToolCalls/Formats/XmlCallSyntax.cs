namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// How an XML-style family writes a call: the name after <see cref="CallOpen"/> up to one of
/// <see cref="NameEnds"/> (consumed unless it is a tag), then parameters
/// <c>KeyOpen KEY KeyEnd [attributes] ValueOpen VALUE ValueEnd</c>, then <see cref="CallClose"/>; one call per
/// section or several, and an optional <see cref="SectionClose"/>.
/// </summary>
internal sealed record XmlCallSyntax(
    string StartMarker, string CallOpen, string[] NameEnds, string KeyOpen, string KeyEnd, string ValueOpen, string ValueEnd,
    string CallClose, string? SectionClose, bool ManyCalls)
{
    /// <summary>The call may come without its section's start marker (the section then begins at <see cref="CallOpen"/>).</summary>
    public bool BareCalls { get; init; }

    /// <summary>Calls without their section are markup to drop, not calls (DSML).</summary>
    public bool BareCallsDropped { get; init; }

    /// <summary>
    /// A call cut short by the end of the output is kept with the parameters it has, the last one as far as
    /// it got (Qwen3-Coder); otherwise it is no call, and its markup is dropped.
    /// </summary>
    public bool KeepsCutCalls { get; init; }

    /// <summary>
    /// The section's markup never reaches content: a section that holds no call is dropped up to its close.
    /// </summary>
    public bool SpecialMarkup { get; init; }

    /// <summary>A value the schema says nothing about is JSON when it reads as JSON (GLM's references), else a string.</summary>
    public bool UntypedAsJson { get; init; }

    /// <summary>Text after the calls is dropped, as the family's references do.</summary>
    public bool DropsTextAfterCalls { get; init; }

    /// <summary>
    /// The parameter attribute that says a value is a string (DSML's <c>string="true"</c>; otherwise it is JSON),
    /// in place of typing values by the tool's schema; null for schema typing.
    /// </summary>
    public string? StringAttribute { get; init; }

    /// <summary>Qwen3-Coder (and Nemotron Nano): <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;&lt;/function&gt;&lt;/tool_call&gt;</c>, the wrapper optional.</summary>
    public static readonly XmlCallSyntax Qwen3Coder = new("<tool_call>", "<function=", [">"], "<parameter=", ">", "", "</parameter>", "</function>", "</tool_call>", false)
    {
        BareCalls = true,
        KeepsCutCalls = true,
        DropsTextAfterCalls = true,
    };

    /// <summary>GLM 4.5 to 4.7: <c>&lt;tool_call&gt;NAME\n&lt;arg_key&gt;K&lt;/arg_key&gt;\n&lt;arg_value&gt;V&lt;/arg_value&gt;&lt;/tool_call&gt;</c>.</summary>
    public static readonly XmlCallSyntax Glm = new("<tool_call>", "", ["\n", "<arg_key>", "</tool_call>"], "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "</tool_call>", null, false)
    {
        UntypedAsJson = true,
    };

    /// <summary>MiniMax M2: <c>&lt;minimax:tool_call&gt;&lt;invoke name="NAME"&gt;&lt;parameter name="K"&gt;V&lt;/parameter&gt;&lt;/invoke&gt;…&lt;/minimax:tool_call&gt;</c>.</summary>
    public static readonly XmlCallSyntax MiniMaxM2 = new("<minimax:tool_call>", "<invoke name=\"", ["\">"], "<parameter name=\"", "\">", "", "</parameter>", "</invoke>", "</minimax:tool_call>", true)
    {
        BareCalls = true,
        SpecialMarkup = true,
        DropsTextAfterCalls = true,
    };

    /// <summary>
    /// DeepSeek V3.2 and V4's DSML: <c>&lt;｜DSML｜BLOCK&gt;&lt;｜DSML｜invoke name="NAME"&gt;&lt;｜DSML｜parameter name="K" string="true|false"&gt;V&lt;/｜DSML｜parameter&gt;&lt;/｜DSML｜invoke&gt;…&lt;/｜DSML｜BLOCK&gt;</c>,
    /// BLOCK being <c>function_calls</c> (V3.2) or <c>tool_calls</c> (V4).
    /// </summary>
    public static XmlCallSyntax Dsml(string block) => new($"<｜DSML｜{block}>", "<｜DSML｜invoke name=\"", ["\""], "<｜DSML｜parameter name=\"", "\"", ">", "</｜DSML｜parameter>", "</｜DSML｜invoke>", $"</｜DSML｜{block}>", true)
    {
        BareCalls = true,
        BareCallsDropped = true,
        SpecialMarkup = true,
        DropsTextAfterCalls = true,
        StringAttribute = "string",
    };
}
