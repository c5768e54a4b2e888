using System.Text;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Grammar.Tests;

/// <summary>
/// A vocabulary for grammar tests: every single byte (so any text can be written), and multi-byte
/// tokens that cross JSON's lexical boundaries (<c>"}</c>, <c>", "</c>, <c>{"name": "</c>…), the hard
/// cases for token masks. The last id is EOS, which writes nothing.
/// </summary>
internal sealed class SyntheticTokenizer : ITokenizer
{
    private static readonly string[] Pieces =
    [
        "{\"", "\"}", "\":", "\": ", "\": \"", "\", \"", ", \"", ", ", "\"],", "[{", "}]", "},", "}, {", "]}", "[]", "{}", "[\"", "\"]",
        "true", "false", "null", "True", "None", "name", "age", "city", "\"name\": \"", "id", "items", "type", "value", "tags",
        "123", "0.5", "-1", "e+", "10", "00", "2024-", "-01-", "T12:", ":00Z", ":00", "Z\"", "@example.com", ".com", "http", "://",
        " ", "  ", "\n", "\\n", "\\u00", "\\\"", "\\\\", "é", "日本", "ab", "abc", "hello", " world", "Paris", "\",",
        "<tool_call>", "</tool_call>", "\n<tool_call>\n", "{\"name\": \"", "\", \"arguments\": ", "\"arguments\": {", "}\n</tool_call>",
        "<function=", "<parameter=", "</parameter>", ">\n", "\n</", "get_weather", "(", ")", "=\"", "\")", "[get", "_weather(",
    ];

    private readonly byte[][] _tokens;

    public SyntheticTokenizer()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        tokens.AddRange(Pieces.Distinct().Select(Encoding.UTF8.GetBytes));
        tokens.Add([]); // EOS
        _tokens = [.. tokens];
    }

    public int VocabSize => _tokens.Length;

    public int Eos => _tokens.Length - 1;

    public string? BosToken => null;

    public string? EosToken => "</s>";

    public IReadOnlyList<int> EosTokenIds => [Eos];

    public int[] Encode(string text, bool addSpecialTokens) => [.. Encoding.UTF8.GetBytes(text).Select(b => (int)b)];

    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true)
    {
        var bytes = new List<byte>();
        foreach (var id in tokenIds)
            bytes.AddRange(_tokens[id]);
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public byte[] TokenBytes(int id) => _tokens[id];
}
