using System.Text;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Backends.Tests;

/// <summary>One token per UTF-8 byte: enough for engines, which only see ids.</summary>
internal sealed class TestTokenizer : ITokenizer
{
    public int VocabSize => 256;
    public string? BosToken => null;
    public string? EosToken => null;
    public IReadOnlyList<int> EosTokenIds => [];
    public int[] Encode(string text, bool addSpecialTokens) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true) => Encoding.UTF8.GetString(tokenIds.ToArray().Select(i => (byte)i).ToArray());
}
