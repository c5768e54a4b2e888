using System.Runtime.InteropServices;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Turns a stream of token ids into a stream of text without ever emitting half a character:
/// it decodes a short window of recent tokens and releases new text only once the window no
/// longer ends in U+FFFD (an unfinished UTF-8 sequence). The window keeps decoding cost per token
/// constant and gives tokenizers that depend on the previous token (leading spaces) context.
/// </summary>
internal sealed class IncrementalDetokenizer(ITokenizer tokenizer)
{
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    public string Add(IReadOnlyList<int> tokenIds)
    {
        if (tokenIds.Count == 0)
            return "";
        _ids.AddRange(tokenIds);
        var all = CollectionsMarshal.AsSpan(_ids);
        var prefix = tokenizer.Decode(all[_prefixOffset.._readOffset]);
        var full = tokenizer.Decode(all[_prefixOffset..]);
        if (full.Length <= prefix.Length || full.EndsWith('\uFFFD'))
            return "";
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return full[prefix.Length..];
    }

    /// <summary>End of stream: whatever is still held back, incomplete characters included.</summary>
    public string Flush()
    {
        var all = CollectionsMarshal.AsSpan(_ids);
        var prefix = tokenizer.Decode(all[_prefixOffset.._readOffset]);
        var full = tokenizer.Decode(all[_prefixOffset..]);
        _prefixOffset = _readOffset = _ids.Count;
        return full.Length > prefix.Length ? full[prefix.Length..] : "";
    }
}
