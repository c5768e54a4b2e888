using Dynamo.Abstractions.Constraints;

namespace Dynamo.Abstractions.Engines;

/// <summary>
/// What an engine does around sampling one sequence's next token, whatever its kernels: the grammar's
/// mask (once any reasoning has ended), stop tokens held back until <c>min_tokens</c>, <c>logit_bias</c>,
/// and the log probabilities to report. Buffers are made once per sequence.
/// </summary>
public sealed class ConstrainedDecoding
{
    private readonly EngineRequest _request;
    private readonly ulong[]? _mask;
    private float[]? _raw;
    private readonly int _vocabSize;
    private readonly HashSet<int> _stops;

    /// <param name="matcher">The request's grammar, compiled by the engine; null without a constraint.</param>
    public ConstrainedDecoding(EngineRequest request, ITokenMatcher? matcher, int vocabSize)
    {
        (_request, Matcher, _vocabSize) = (request, matcher, vocabSize);
        _stops = [.. request.Stop.StopTokenIds];
        if (matcher is not null)
            _mask = new ulong[(vocabSize + 63) / 64];
    }

    /// <summary>Raw log probabilities are wanted: of the logits before bias and mask, kept aside when applying them.</summary>
    private bool WantsRaw => _request.Logprobs is { Processed: false };

    public ITokenMatcher? Matcher { get; }

    /// <summary>A sequence's decoding state, its grammar compiled with the model's grammar engine (cached there).</summary>
    /// <exception cref="EngineException">The request has a constraint this engine cannot compile (a client error).</exception>
    public static ConstrainedDecoding For(EngineRequest request, IGrammarCompiler? grammar, Preprocessing.ITokenizer? tokenizer, int vocabSize)
    {
        ITokenMatcher? matcher = null;
        if (request.Constraint is { } constraint)
        {
            if (grammar is null || tokenizer is null)
                throw new EngineException("This engine has no grammar engine, so it cannot follow the request's structured output.", isClientError: true);
            try
            {
                matcher = grammar.Compile(constraint.Grammar, tokenizer).CreateMatcher();
            }
            catch (GrammarException ex)
            {
                throw new EngineException($"The request's grammar cannot be compiled: {ex.Message}", isClientError: true);
            }
        }
        return new ConstrainedDecoding(request, matcher, vocabSize);
    }

    /// <summary>After <see cref="Apply"/>: whether any token may be sampled (false: the grammar has no way on and cannot end).</summary>
    public bool AnyAllowed(ReadOnlySpan<float> logits) => logits[.._vocabSize].IndexOfAnyExcept(float.NegativeInfinity) >= 0;

    /// <summary>Whether anything here changes sampling (engines skip the call when not).</summary>
    public bool Active => Matcher is not null || _request.LogitBias is { Count: > 0 } || _request.Stop.MinTokens > 0 || _request.Logprobs is not null;

    /// <summary>The grammar is followed now (not inside reasoning, which it waits out).</summary>
    public bool GrammarApplies(ReasoningBudget.Tracker? reasoning) => Matcher is not null && reasoning?.InReasoning != true;

    /// <summary>The grammar is complete and allows nothing more: the sequence must stop now.</summary>
    public bool MustStop(ReasoningBudget.Tracker? reasoning) => GrammarApplies(reasoning) && Matcher!.IsFinished;

    /// <summary>
    /// Whether the grammar's mask may be applied where the logits are computed (on the device, before they come
    /// back): not when raw log probabilities are wanted, which are of the distribution before any mask.
    /// </summary>
    public bool MasksEarly => Matcher is not null && !WantsRaw;

    /// <summary>
    /// The tokens the grammar allows next, with the stop tokens where it may end and <c>min_tokens</c> are done;
    /// null when the grammar does not apply now (no grammar, or inside reasoning). The buffer is reused each step.
    /// </summary>
    /// <param name="generated">Tokens generated so far.</param>
    public ulong[]? NextMask(int generated, ReasoningBudget.Tracker? reasoning)
    {
        if (!GrammarApplies(reasoning))
            return null;
        // Closing on budget keeps the last token for the stop token, so a complete answer also ends as one.
        var closing = _request.Constraint!.CloseOnBudget;
        var remaining = closing ? _request.Stop.MaxTokens - generated - 1 : int.MaxValue;
        if (closing && remaining <= 0 && Matcher!.CanEnd)
            Array.Clear(_mask!);
        else
            Matcher!.FillMask(_mask!, Math.Max(remaining, 1));
        // A model that may open its reasoning first (no marker written yet) may still write the marker.
        if (reasoning is not null && generated == 0 && _request.Reasoning!.StartTokenIds is [var open] && (uint)open < (uint)_vocabSize)
            _mask![open >> 6] |= 1UL << (open & 63);
        // Stop tokens write nothing, so the mask leaves them out; they come back where the grammar may end.
        if (MayStop(generated, reasoning))
            foreach (var stop in _stops)
                if ((uint)stop < (uint)_vocabSize)
                    _mask![stop >> 6] |= 1UL << (stop & 63);
        return _mask;
    }

    /// <summary>The grammar may end here (and <c>min_tokens</c> are done): a stop token is allowed.</summary>
    public bool MayStop(int generated, ReasoningBudget.Tracker? reasoning) =>
        GrammarApplies(reasoning) && Matcher!.CanEnd && generated >= _request.Stop.MinTokens;

    /// <summary>The grammar's own mask (no stop tokens) for <paramref name="remainingTokens"/>, in this decoding's buffer; for engines that pick from it directly.</summary>
    public ulong[] GrammarMask(int remainingTokens)
    {
        Matcher!.FillMask(_mask!, remainingTokens);
        return _mask!;
    }

    /// <summary>
    /// Prepares <paramref name="logits"/> (in place) for sampling: logit bias, the grammar's mask, stop tokens
    /// only where the grammar may end and <c>min_tokens</c> are done. Keeps the raw logits for log probabilities.
    /// </summary>
    /// <param name="generated">Tokens generated so far.</param>
    /// <param name="masked">The logits already had this step's <see cref="NextMask"/> applied (on the device).</param>
    public void Apply(Span<float> logits, int generated, ReasoningBudget.Tracker? reasoning, bool masked = false)
    {
        logits = logits[.._vocabSize];
        if (WantsRaw)
            logits.CopyTo(_raw ??= new float[_vocabSize]);
        if (_request.LogitBias is { } bias)
            foreach (var (token, value) in bias)
                if ((uint)token < (uint)_vocabSize)
                    logits[token] += value;
        if (GrammarApplies(reasoning))
        {
            if (!masked)
                Mask(logits, NextMask(generated, reasoning)!);
        }
        else if (generated < _request.Stop.MinTokens)
        {
            foreach (var stop in _stops)
                if ((uint)stop < (uint)_vocabSize)
                    logits[stop] = float.NegativeInfinity;
        }
    }

    /// <summary>Sets every token the mask leaves out to -∞.</summary>
    public static void Mask(Span<float> logits, ReadOnlySpan<ulong> mask)
    {
        for (var word = 0; word < mask.Length; word++)
        {
            var allowed = mask[word];
            if (allowed == ulong.MaxValue)
                continue;
            var start = word * 64;
            var end = Math.Min(start + 64, logits.Length);
            if (allowed == 0)
            {
                logits[start..end].Fill(float.NegativeInfinity);
                continue;
            }
            for (var t = start; t < end; t++)
                if ((allowed >> (t - start) & 1) == 0)
                    logits[t] = float.NegativeInfinity;
        }
    }

    /// <summary>After sampling (or forcing) <paramref name="token"/>: the reasoning tracker and then the grammar move past it.</summary>
    public bool Observe(int token, ReasoningBudget.Tracker? reasoning)
    {
        var wasReasoning = reasoning?.InReasoning == true;
        reasoning?.Observe(token);
        return Observe(token, reasoning, wasReasoning);
    }

    /// <summary>After sampling: the grammar moves past the token (stop tokens end the sequence instead).</summary>
    /// <returns>False when the grammar refuses it (a forced token, such as a reasoning budget's end marker, is not the grammar's business).</returns>
    public bool Observe(int token, ReasoningBudget.Tracker? reasoning, bool wasInReasoning)
    {
        if (Matcher is null || wasInReasoning || _stops.Contains(token))
            return true;
        // The reasoning marker allowed at the start opens reasoning; it is not the answer's first token.
        if (reasoning?.InReasoning == true)
            return true;
        return Matcher.Accept(token);
    }

    /// <summary>The chosen token's log probability and the most likely alternatives, from the raw logits (or <paramref name="processed"/> ones).</summary>
    /// <param name="processed">The logits sampled from, when the request asked for processed log probabilities.</param>
    public TokenLogprob? Logprob(int token, ReadOnlySpan<float> processed, float temperature)
    {
        if (_request.Logprobs is not { } asked)
            return null;
        ReadOnlySpan<float> source = asked.Processed ? processed[.._vocabSize] : _raw;
        var scale = asked.Processed && temperature > 1e-5f ? 1f / temperature : 1f;
        return Compute(source, token, asked.Top, scale);
    }

    /// <summary>log softmax of <paramref name="logits"/> × <paramref name="scale"/> at <paramref name="token"/>, with the <paramref name="top"/> most likely.</summary>
    public static TokenLogprob Compute(ReadOnlySpan<float> logits, int token, int top, float scale = 1f)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l * scale);
        double sum = 0;
        foreach (var l in logits)
            if (!float.IsNegativeInfinity(l))
                sum += Math.Exp(l * scale - max);
        var logSum = (float)(max + Math.Log(sum));
        var best = new List<TokenLogprob.Alternative>(top + 1);
        if (top > 0)
        {
            // A running list of the top few: vocabularies are large, the list is short.
            for (var t = 0; t < logits.Length; t++)
            {
                var value = logits[t] * scale;
                if (best.Count == top && value <= best[^1].Logprob)
                    continue;
                var at = best.Count;
                while (at > 0 && best[at - 1].Logprob < value)
                    at--;
                best.Insert(at, new TokenLogprob.Alternative(t, value));
                if (best.Count > top)
                    best.RemoveAt(best.Count - 1);
            }
        }
        var alternatives = new TokenLogprob.Alternative[best.Count];
        for (var i = 0; i < alternatives.Length; i++)
            alternatives[i] = best[i] with { Logprob = best[i].Logprob - logSum };
        return new TokenLogprob(token, logits[token] * scale - logSum, alternatives);
    }
}
