namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>One model family's tool-call markup: where sections start, and how a section reads.</summary>
internal interface IToolCallFormat
{
    /// <summary>Markers that open a section anywhere in the text (not part of the section).</summary>
    IReadOnlyList<string> StartMarkers { get; }

    /// <summary>
    /// Markers that open a section anywhere and are part of it (a bare JSON object's '{', Qwen3-Coder's
    /// <c>&lt;function=</c> without its wrapper). When the section fails, the marker is content and reading goes on after it.
    /// </summary>
    IReadOnlyList<string> InlineStarts => [];

    /// <summary>Whether text after the first calls is dropped, as the family's references do (the model's sign-off after a call is not an answer).</summary>
    bool DropsTextAfterCalls => false;

    /// <summary>Whether a start marker that turns out to open no call is content (else it is dropped: Mistral's special token).</summary>
    bool MarkerIsContent => true;

    /// <param name="final">The stream has ended: an unterminated call may be recovered.</param>
    SectionScan Scan(string section, bool final);

    /// <summary>Reads a section knowing which marker opened it (a family whose calls mean something else without their section start).</summary>
    SectionScan Scan(string marker, string section, bool final) => Scan(section, final);

    /// <summary>A new call id: OpenAI's shape unless the family has its own.</summary>
    string NewId(Random random) => "call_" + Ids.Random(random, 24);
}
