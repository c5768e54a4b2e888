using System.Text;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

/// <summary>
/// The built-in <c>bytes</c> tokenizer: one token per UTF-8 byte (ids 0–255), plus BOS (256) and
/// EOS (257). Needs no files, so the mocker and echo engines work out of the box, and it splits
/// multi-byte characters across tokens, which keeps streaming detokenization honest.
/// </summary>
internal sealed class ByteTokenizer : ITokenizer
{
    public const int Bos = 256;
    public const int Eos = 257;

    public int VocabSize => 258;

    public string? BosToken => "<s>";

    public string? EosToken => "</s>";

    public IReadOnlyList<int> EosTokenIds { get; } = [Eos];

    public int[] Encode(string text, bool addSpecialTokens)
    {
        var offset = addSpecialTokens ? 1 : 0;
        var ids = new int[Encoding.UTF8.GetByteCount(text) + offset];
        if (addSpecialTokens)
            ids[0] = Bos;
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
            ids[i + offset] = bytes[i];
        return ids;
    }

    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true)
    {
        Span<byte> bytes = tokenIds.Length <= 512 ? stackalloc byte[tokenIds.Length] : new byte[tokenIds.Length];
        var text = new StringBuilder();
        var count = 0;
        foreach (var id in tokenIds)
        {
            if (id is >= 0 and < 256)
            {
                bytes[count++] = (byte)id;
                continue;
            }
            text.Append(Encoding.UTF8.GetString(bytes[..count]));
            count = 0;
            if (!skipSpecialTokens)
                text.Append(id switch { Bos => BosToken, Eos => EosToken, _ => $"<unk:{id}>" });
        }
        return text.Length == 0 ? Encoding.UTF8.GetString(bytes[..count]) : text.Append(Encoding.UTF8.GetString(bytes[..count])).ToString();
    }

    public byte[] TokenBytes(int id) => id is >= 0 and < 256 ? [(byte)id] : [];
}
