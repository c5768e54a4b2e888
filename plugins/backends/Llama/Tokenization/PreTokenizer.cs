using System.Globalization;
using System.Text.RegularExpressions;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Splits text into the words byte-level BPE runs on, by the regular expressions of a model family
/// (<c>tokenizer.ggml.pre</c>). As in llama.cpp's <c>unicode_regex_split</c>, each expression in
/// turn splits every word so far into its matches and the text between them, all of which are kept.
/// </summary>
/// <remarks>
/// llama.cpp matches code points; .NET matches UTF-16 units, where a character outside the Basic
/// Multilingual Plane is two surrogates that <c>\p{L}</c> or <c>\p{N}</c> never match. Text with
/// such characters is matched in a copy where each is one stand-in character of its own Unicode
/// category, and the ranges are mapped back.
/// </remarks>
internal sealed class PreTokenizer(IReadOnlyList<Regex> expressions)
{
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";

    /// <summary>GPT-2's expression, which a ByteLevel pre-tokenizer with <c>use_regex</c> applies.</summary>
    public static string Gpt2Pattern => Gpt2;

    /// <summary>The expressions llama.cpp uses for a <c>tokenizer.ggml.pre</c> name (llama-vocab.cpp); a missing name is "default".</summary>
    public static PreTokenizer ForGguf(string? name, string path) => FromPatterns(name switch
    {
        null or "" or "default" => [@"[\p{P}\$\+<=>\^~\|]+", Gpt2, @"\p{N}+", "[0-9][0-9][0-9]"],
        "gpt-2" or "phi-2" or "jina-es" or "jina-de" or "gigachat" or "jina-v2-es" or "jina-v2-de" or "a.x-4.0" or "mellum"
            or "modern-bert" or "exaone4" or "mpt" or "olmo" or "jais" or "trillion" or "granite-docling" => [Gpt2],
        "starcoder" or "refact" or "command-r" or "smollm" or "codeshell" or "exaone" or "minerva-7b" or "mellum2" => [@"\p{N}", Gpt2],
        "falcon" => [@"[\p{P}\$\+<=>\^~\|`]+", Gpt2, "[0-9][0-9][0-9]"],
        "deepseek-coder" => [@"[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", @"\p{N}"],
        _ => throw new GgufFormatException(path, $"pre-tokenizer '{name}' is not supported (supported: default, gpt-2, starcoder, falcon, deepseek-coder and their aliases)."),
    });

    public static PreTokenizer FromPatterns(IEnumerable<string> patterns) =>
        new(patterns.Select(e => new Regex(e, RegexOptions.Compiled | RegexOptions.CultureInvariant)).ToArray());

    /// <summary>The words of <paramref name="text"/>, as (start, length) ranges of it, in order.</summary>
    public List<(int Start, int Length)> Split(ReadOnlySpan<char> text)
    {
        var words = new List<(int, int)> { (0, text.Length) };
        if (text.IsEmpty)
            return [];
        int[]? offsets = null;
        char[]? stand = null;
        if (text.ContainsAnyInRange('\uD800', '\uDFFF'))
            (stand, offsets) = PerCodePoint(text);
        var view = stand is null ? text : stand;
        if (stand is not null)
            words[0] = (0, stand.Length);

        var next = new List<(int, int)>();
        foreach (var expression in expressions)
        {
            next.Clear();
            foreach (var (start, length) in words)
            {
                var at = start;
                foreach (var match in expression.EnumerateMatches(view.Slice(start, length)))
                {
                    if (match.Length == 0)
                        continue;
                    var matchStart = start + match.Index;
                    if (matchStart > at)
                        next.Add((at, matchStart - at));
                    next.Add((matchStart, match.Length));
                    at = matchStart + match.Length;
                }
                if (at < start + length)
                    next.Add((at, start + length - at));
            }
            (words, next) = (next, words);
        }
        if (offsets is not null)
            for (var i = 0; i < words.Count; i++)
            {
                var (start, length) = words[i];
                words[i] = (offsets[start], offsets[start + length] - offsets[start]);
            }
        return words;
    }

    /// <summary>
    /// One character per code point: BMP characters as they are, others as a BMP character of the same
    /// Unicode category; and where each code point starts in the original (plus its end).
    /// </summary>
    private static (char[] Text, int[] Offsets) PerCodePoint(ReadOnlySpan<char> text)
    {
        var chars = new List<char>(text.Length);
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                chars.Add(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i++;
            }
            else
                chars.Add(text[i]);
        }
        offsets.Add(text.Length);
        return ([.. chars], [.. offsets]);
    }

    // Latin-1 (or nearby) characters outside the ranges the supported expressions name explicitly.
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u00C0',
        UnicodeCategory.LowercaseLetter => '\u00DF',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u00AA',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u00A8',
        UnicodeCategory.OtherSymbol => '\u00A9',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u0378', // unassigned
    };
}
