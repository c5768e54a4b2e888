using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>The <c>tokenizer.ggml.*</c> metadata every tokenizer reads: tokens, their types, scores, special ids.</summary>
internal sealed class GgufVocabulary
{
    // llama.cpp's token types.
    public const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    public string[] Tokens { get; }

    public int[] Types { get; }

    public float[] Scores { get; }

    public Dictionary<string, int> Ids { get; }

    public int? Bos { get; }

    public int? Eos { get; }

    public int? Unk { get; }

    public bool AddBos { get; }

    public bool AddEos { get; }

    /// <summary>End-of-generation ids: EOS and, where the model has one, end-of-turn.</summary>
    public int[] EndOfGeneration { get; }

    /// <summary>Control and user-defined tokens matched whole in input text, longest first.</summary>
    public (string Text, int Id)[] Specials { get; }

    private static readonly HashSet<string> EndOfTurnTexts =
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|return|>", "<|call|>", "<|eom_id|>", "<｜end▁of▁sentence｜>"];

    public GgufVocabulary(GgufFile file, bool addBosByDefault)
    {
        Tokens = file.Get<string[]>("tokenizer.ggml.tokens");
        Types = file.TryGet<int[]>("tokenizer.ggml.token_type", out var types) ? types : Enumerable.Repeat(Normal, Tokens.Length).ToArray();
        Scores = file.TryGet<float[]>("tokenizer.ggml.scores", out var scores) ? scores : new float[Tokens.Length];
        if (Types.Length != Tokens.Length || Scores.Length != Tokens.Length)
            throw new GgufFormatException(file.Path, "tokenizer.ggml.token_type or scores does not match the number of tokens.");
        Ids = new Dictionary<string, int>(Tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < Tokens.Length; i++)
            Ids.TryAdd(Tokens[i], i);
        Bos = Id(file, "tokenizer.ggml.bos_token_id");
        Eos = Id(file, "tokenizer.ggml.eos_token_id");
        Unk = Id(file, "tokenizer.ggml.unknown_token_id");
        AddBos = file.Get("tokenizer.ggml.add_bos_token", addBosByDefault);
        AddEos = file.Get("tokenizer.ggml.add_eos_token", false);
        // As llama.cpp does, control tokens that end a turn in well-known chat formats stop generation too.
        EndOfGeneration = new[] { Eos, Id(file, "tokenizer.ggml.eot_token_id"), Id(file, "tokenizer.ggml.eom_token_id") }
            .Concat(Enumerable.Range(0, Tokens.Length).Where(i => Types[i] == Control && EndOfTurnTexts.Contains(Tokens[i])).Select(i => (int?)i))
            .OfType<int>().Distinct().Order().ToArray();
        Specials = Enumerable.Range(0, Tokens.Length)
            .Where(i => Types[i] is Control or UserDefined && Tokens[i].Length > 0)
            .Select(i => (Tokens[i], i))
            .OrderByDescending(s => s.Item1.Length)
            .ToArray();
        _specialFirstChars = Specials.Select(s => s.Text[0]).ToHashSet();
    }

    private readonly HashSet<char> _specialFirstChars;

    private int? Id(GgufFile file, string key) =>
        file.TryGet<uint>(key, out var id) && id < Tokens.Length ? (int)id : null;

    /// <summary>Splits text into plain runs and whole special tokens, as llama.cpp does before tokenizing.</summary>
    public IEnumerable<(string? Text, int Token)> Partition(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsSpecialStart(text, i, out var special))
                continue;
            if (i > start)
                yield return (text[start..i], -1);
            yield return (null, special.Id);
            start = i + special.Text.Length;
            i = start - 1;
        }
        if (start < text.Length)
            yield return (text[start..], -1);
    }

    private bool IsSpecialStart(string text, int at, out (string Text, int Id) special)
    {
        special = default;
        if (!_specialFirstChars.Contains(text[at]))
            return false;
        foreach (var candidate in Specials)
            if (string.CompareOrdinal(text, at, candidate.Text, 0, candidate.Text.Length) == 0 && at + candidate.Text.Length <= text.Length)
            {
                special = candidate;
                return true;
            }
        return false;
    }
}
