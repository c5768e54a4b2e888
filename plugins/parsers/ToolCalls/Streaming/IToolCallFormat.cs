namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>One model family's tool-call markup: where sections start, and how a section reads.</summary>
internal interface IToolCallFormat
{
    /// <summary>Markers that open a section anywhere in the text (not part of the section).</summary>
    IReadOnlyList<string> StartMarkers { get; }

    /// <summary>Characters that open a section only as the first non-space text of the output (kept as the section's start), e.g. '{' for bare JSON.</summary>
    string LeadingStarts => "";

    /// <param name="final">The stream has ended: an unterminated call may be recovered.</param>
    SectionScan Scan(string section, bool final);

    /// <summary>A new call id: OpenAI's shape unless the family has its own.</summary>
    string NewId(Random random) => "call_" + RandomText(random, 24);

    static string RandomText(Random random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }
}
