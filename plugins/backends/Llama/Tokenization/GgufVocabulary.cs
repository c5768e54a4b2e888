using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>What every tokenizer reads: tokens, their llama.cpp types, scores, special ids (from GGUF metadata or tokenizer.json).</summary>
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

    /// <param name="moreEndOfGeneration">Ids beyond EOS that end generation (end-of-turn, end-of-message).</param>
    public GgufVocabulary(string[] tokens, int[] types, float[] scores, int? bos, int? eos, int? unk, bool addBos, bool addEos, IEnumerable<int?> moreEndOfGeneration)
    {
        (Tokens, Types, Scores, Bos, Eos, Unk, AddBos, AddEos) = (tokens, types, scores, bos, eos, unk, addBos, addEos);
        Ids = new Dictionary<string, int>(Tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < Tokens.Length; i++)
            Ids.TryAdd(Tokens[i], i);
        // As llama.cpp does, control tokens that end a turn in well-known chat formats stop generation too.
        EndOfGeneration = moreEndOfGeneration.Prepend(Eos)
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

    /// <summary>From llama.cpp's <c>tokenizer.ggml.*</c> metadata.</summary>
    public static GgufVocabulary FromGguf(GgufFile file, bool addBosByDefault)
    {
        var tokens = file.Get<string[]>("tokenizer.ggml.tokens");
        var types = file.TryGet<int[]>("tokenizer.ggml.token_type", out var t) ? t : Enumerable.Repeat(Normal, tokens.Length).ToArray();
        var scores = file.TryGet<float[]>("tokenizer.ggml.scores", out var s) ? s : new float[tokens.Length];
        if (types.Length != tokens.Length || scores.Length != tokens.Length)
            throw new GgufFormatException(file.Path, "tokenizer.ggml.token_type or scores does not match the number of tokens.");
        int? Id(string key) => file.TryGet<uint>(key, out var id) && id < tokens.Length ? (int)id : null;
        return new GgufVocabulary(tokens, types, scores, Id("tokenizer.ggml.bos_token_id"), Id("tokenizer.ggml.eos_token_id"),
            Id("tokenizer.ggml.unknown_token_id"), file.Get("tokenizer.ggml.add_bos_token", addBosByDefault),
            file.Get("tokenizer.ggml.add_eos_token", false), [Id("tokenizer.ggml.eot_token_id"), Id("tokenizer.ggml.eom_token_id")]);
    }

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
