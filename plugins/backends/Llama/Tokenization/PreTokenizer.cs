using System.Text.RegularExpressions;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Splits text into the pieces byte-level BPE runs on, by the regular expressions a model family
/// uses (<c>tokenizer.ggml.pre</c>). As in llama.cpp, each expression in turn splits every piece
/// into its matches and the text between them, all of which are kept.
/// </summary>
internal sealed class PreTokenizer(IReadOnlyList<Regex> expressions)
{
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";

    public static PreTokenizer For(string name, string path) => FromPatterns(Expressions(name, path));

    public static PreTokenizer FromPatterns(IEnumerable<string> patterns) =>
        new(patterns.Select(e => new Regex(e, RegexOptions.Compiled | RegexOptions.CultureInvariant)).ToArray());

    /// <summary>GPT-2's expression, which a ByteLevel pre-tokenizer with <c>use_regex</c> applies.</summary>
    public static string Gpt2Pattern => Gpt2;

    private static string[] Expressions(string name, string path) => name switch
    {
        "default" or "gpt-2" or "gpt2" => [Gpt2],
        "starcoder" or "refact" or "smollm" or "codeshell" => [@"\p{N}", Gpt2],
        "falcon" => [@"[\p{P}\$\+<=>\^~\|`]+", Gpt2, "[0-9][0-9][0-9]"],
        "deepseek-coder" => [@"[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", @"\p{N}"],
        _ => throw new Gguf.GgufFormatException(path, $"pre-tokenizer '{name}' is not supported yet (supported: gpt-2, starcoder, falcon, deepseek-coder)."),
    };

    public List<string> Split(string text)
    {
        List<string> pieces = [text];
        foreach (var expression in expressions)
        {
            var next = new List<string>(pieces.Count * 2);
            foreach (var piece in pieces)
            {
                var at = 0;
                foreach (Match match in expression.Matches(piece))
                {
                    if (match.Length == 0)
                        continue;
                    if (match.Index > at)
                        next.Add(piece[at..match.Index]);
                    next.Add(match.Value);
                    at = match.Index + match.Length;
                }
                if (at < piece.Length)
                    next.Add(piece[at..]);
            }
            pieces = next;
        }
        return pieces;
    }
}
