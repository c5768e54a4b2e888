namespace Dynamo.Abstractions.Preprocessing;

/// <summary>Text to token ids and back, for one model.</summary>
public interface ITokenizer
{
    int VocabSize { get; }

    string? BosToken { get; }

    string? EosToken { get; }

    /// <summary>The chat template the model ships with its tokenizer (GGUF <c>tokenizer.chat_template</c>, tokenizer_config.json), if any.</summary>
    string? ChatTemplate => null;

    /// <summary>Ids that end generation (EOS, end-of-turn).</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <param name="addSpecialTokens">Add BOS (and whatever else the model adds) around the text.</param>
    int[] Encode(string text, bool addSpecialTokens);

    /// <summary>
    /// Decodes ids to text. A trailing incomplete UTF-8 sequence decodes to U+FFFD; streaming
    /// callers hold such text back until the rest arrives.
    /// </summary>
    string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true);

    /// <summary>
    /// The bytes token <paramref name="id"/> writes into the text when decoded with special tokens skipped
    /// (none for control tokens such as EOS): what grammar engines match tokens by. A token that is part
    /// of a multi-byte character has only its own bytes.
    /// </summary>
    byte[] TokenBytes(int id) => System.Text.Encoding.UTF8.GetBytes(Decode([id]));
}
