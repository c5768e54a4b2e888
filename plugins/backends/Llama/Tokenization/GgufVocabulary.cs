using System.Text;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// What every tokenizer reads: tokens, their llama.cpp types, scores and special ids (from GGUF
/// metadata or tokenizer.json), with the adjustments llama.cpp makes when it loads a vocabulary:
/// tokens that look like end-of-turn or fill-in-the-middle markers become control tokens, the set
/// of end-of-generation ids, and the whitespace stripping some families give their special tokens.
/// </summary>
internal sealed class GgufVocabulary
{
    // llama.cpp's token types (tokenizer.ggml.token_type).
    public const int Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    // Texts llama.cpp recognises whatever the metadata says (llama-vocab.cpp, load()).
    private static readonly string[] EndOfTurnTexts =
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]",
         "<｜end▁of▁sentence｜>", "<end_of_utterance>"];

    private static readonly string[] EndOfGenerationTexts =
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>",
         "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
         "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["];

    private static readonly string[] FimTexts =
        ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
         "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
         "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"];

    // FIM markers that also end generation (pad, repository, file separator).
    private static readonly string[] FimPadTexts = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"];
    private static readonly string[] FimRepoTexts = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"];
    private static readonly string[] FimSeparatorTexts = ["<|file_sep|>"];

    public string[] Tokens { get; }

    /// <summary>Token types after llama.cpp's adjustments (see the class summary).</summary>
    public int[] Types { get; }

    public float[] Scores { get; }

    /// <summary>Token text to id (the first id where a text repeats).</summary>
    public Dictionary<string, int> Ids { get; }

    public int? Bos { get; }

    public int? Eos { get; }

    public int? Unk { get; }

    public bool AddBos { get; }

    public bool AddEos { get; }

    /// <summary>End-of-generation ids: EOS, end-of-turn and end-of-message, and llama.cpp's well-known stop tokens.</summary>
    public int[] EndOfGeneration { get; }

    /// <summary>Control, user-defined and unknown tokens, longest (in UTF-8 bytes) first: the order llama.cpp matches them in text.</summary>
    private readonly int[] _specials;

    /// <summary>Special tokens that swallow the whitespace after them when matched in text (llama.cpp's rstrip attribute).</summary>
    private readonly HashSet<int> _rightStrip = [];

    /// <param name="moreEndOfGeneration">Ids from the metadata beyond EOS that end generation (end-of-turn, end-of-message, FIM pad...).</param>
    /// <param name="modelName"><c>general.name</c>: llama.cpp gives the special tokens of Phi-3 models an rstrip.</param>
    public GgufVocabulary(string[] tokens, int[] types, float[] scores, int? bos, int? eos, int? unk, bool addBos, bool addEos,
        IEnumerable<int?> moreEndOfGeneration, string? modelName = null)
    {
        (Tokens, Scores, Bos, Eos, Unk, AddBos, AddEos) = (tokens, scores, bos, eos, unk, addBos, addEos);
        Types = (int[])types.Clone();
        Ids = new Dictionary<string, int>(Tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < Tokens.Length; i++)
            Ids.TryAdd(Tokens[i], i);

        var endOfGeneration = new SortedSet<int>(moreEndOfGeneration.OfType<int>().Where(i => (uint)i < (uint)Tokens.Length));
        // Markers llama.cpp treats as control tokens even where the converter marked them normal or user-defined.
        foreach (var text in EndOfTurnTexts.Concat(FimTexts).Concat(FimPadTexts).Concat(FimRepoTexts).Concat(FimSeparatorTexts))
            MakeControl(text);
        foreach (var text in EndOfGenerationTexts)
            if (MakeControl(text) is { } id)
                endOfGeneration.Add(id);
        foreach (var texts in new[] { FimPadTexts, FimRepoTexts, FimSeparatorTexts })
            if (texts.FirstOrDefault(Ids.ContainsKey) is { } fim)
                endOfGeneration.Add(Ids[fim]);
        // gpt-oss: these are rendered always, so llama.cpp makes them user-defined.
        foreach (var text in (string[])["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"])
            if (Ids.TryGetValue(text, out var id))
                Types[id] = UserDefined;
        if (Eos is { } e)
            endOfGeneration.Add(e);
        // Harmony and solar-open end a message with <|end|> but keep generating: it is not an end of generation there.
        if (Has("<|end|>", out var end) && endOfGeneration.Contains(end) && Has("<|call|>", "<|calls|>")
            && (Has("<|return|>") || Has("<|flush|>")))
        {
            endOfGeneration.Remove(end);
            Types[end] = UserDefined;
        }
        if (Has("<|tool_response>") && Has("</s>", out var closing) && endOfGeneration.Remove(closing))
            Types[closing] = Normal;
        EndOfGeneration = [.. endOfGeneration];

        _specials = Enumerable.Range(0, Tokens.Length)
            .Where(i => Types[i] is Control or UserDefined or Unknown && Tokens[i].Length > 0)
            .OrderByDescending(i => Encoding.UTF8.GetByteCount(Tokens[i])).ThenBy(i => i)
            .ToArray();
        if (modelName is not null && (modelName.Contains("phi-3", StringComparison.OrdinalIgnoreCase) || modelName.Contains("phi3", StringComparison.OrdinalIgnoreCase)))
        {
            _rightStrip.UnionWith(_specials);
            if (Ids.TryGetValue("</s>", out var s))
                _rightStrip.Add(s);
            foreach (var text in (string[])["<unk>", "<s>", "<|endoftext|>"])
                if (Ids.TryGetValue(text, out var id))
                    _rightStrip.Remove(id);
        }
    }

    private int? MakeControl(string text)
    {
        if (!Ids.TryGetValue(text, out var id))
            return null;
        Types[id] = Control;
        return id;
    }

    private bool Has(string text) => Ids.ContainsKey(text);

    private bool Has(string text, out int id) => Ids.TryGetValue(text, out id);

    private bool Has(string text, string alternative) => Has(text) || Has(alternative);

    /// <summary>From llama.cpp's <c>tokenizer.ggml.*</c> metadata, with its per-model defaults for missing keys.</summary>
    /// <param name="defaults">Special ids and BOS behaviour llama.cpp assumes for this tokenizer model.</param>
    public static GgufVocabulary FromGguf(GgufFile file, (int? Bos, int? Eos, int? Unk, bool AddBos) defaults)
    {
        var tokens = file.Get<string[]>("tokenizer.ggml.tokens");
        var types = file.TryGet<int[]>("tokenizer.ggml.token_type", out var t) ? t : Enumerable.Repeat(Normal, tokens.Length).ToArray();
        var scores = file.TryGet<float[]>("tokenizer.ggml.scores", out var s) ? s : new float[tokens.Length];
        if (types.Length < tokens.Length || scores.Length < tokens.Length)
            throw new GgufFormatException(file.Path, "tokenizer.ggml.token_type or tokenizer.ggml.scores is shorter than tokenizer.ggml.tokens.");
        int? Valid(int? id) => id is { } i && (uint)i < (uint)tokens.Length ? i : null;
        int? Id(string key, int? fallback = null) => file.TryGet<uint>(key, out var id) && id < tokens.Length ? (int)id : Valid(fallback);
        return new GgufVocabulary(tokens, types, scores,
            Id("tokenizer.ggml.bos_token_id", defaults.Bos), Id("tokenizer.ggml.eos_token_id", defaults.Eos),
            Id("tokenizer.ggml.unknown_token_id", defaults.Unk),
            file.Get("tokenizer.ggml.add_bos_token", defaults.AddBos), file.Get("tokenizer.ggml.add_eos_token", false),
            [Id("tokenizer.ggml.eot_token_id"), Id("tokenizer.ggml.eom_token_id"), Id("tokenizer.ggml.fim_pad_token_id"),
             Id("tokenizer.ggml.fim_rep_token_id"), Id("tokenizer.ggml.fim_sep_token_id")],
            file.Get<string?>("general.name", null));
    }

    /// <summary>
    /// Splits text into plain runs and special tokens as llama.cpp's <c>tokenizer_st_partition</c>
    /// does: each special token in turn, longest first, is cut out of every run still plain.
    /// </summary>
    /// <param name="parseSpecial">Match control and unknown tokens too; user-defined tokens are always matched.</param>
    public List<TextFragment> Partition(string text, bool parseSpecial)
    {
        if (text.Length == 0)
            return []; // no fragment at all, so no space is put before it either
        var fragments = new List<TextFragment> { new(0, text.Length, -1) };
        if (_specials.Length == 0)
            return fragments;
        List<TextFragment> next = [];
        foreach (var id in _specials)
        {
            if (!parseSpecial && Types[id] is Control or Unknown)
                continue;
            var special = Tokens[id];
            // Cheap test first: most special tokens are nowhere in the text.
            if (!text.AsSpan().Contains(special.AsSpan(), StringComparison.Ordinal))
                continue;
            next.Clear();
            foreach (var fragment in fragments)
            {
                if (!fragment.IsText)
                {
                    next.Add(fragment);
                    continue;
                }
                var (at, end) = (fragment.Start, fragment.Start + fragment.Length);
                while (at < end)
                {
                    var found = text.AsSpan(at, end - at).IndexOf(special.AsSpan(), StringComparison.Ordinal);
                    if (found < 0)
                        break;
                    var match = at + found;
                    if (match > at)
                        next.Add(new TextFragment(at, match - at, -1));
                    next.Add(new TextFragment(match, special.Length, id));
                    at = match + special.Length;
                    if (_rightStrip.Contains(id))
                        while (at < end && IsAsciiSpace(text[at]))
                            at++;
                }
                if (at < end)
                    next.Add(new TextFragment(at, end - at, -1));
            }
            (fragments, next) = (next, fragments);
        }
        return fragments;
    }

    // C's isspace in the "C" locale, which llama.cpp strips with.
    private static bool IsAsciiSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
