namespace Dynamo.Abstractions.Engines;

/// <summary>
/// A cap on a request's reasoning (Anthropic's <c>budget_tokens</c>, Dynamo's <c>max_thinking_tokens</c>):
/// once the model has reasoned for <see cref="MaxTokens"/> tokens, the engine writes the end marker
/// itself, so the answer begins. Markers are the model's own token ids for the reasoning parser's tags.
/// </summary>
/// <param name="StartTokenIds">The tokens that open reasoning (null when the output starts in it).</param>
/// <param name="EndTokenIds">The tokens that close it.</param>
/// <param name="StartsInReasoning">The template opened reasoning already: the output begins in it.</param>
/// <remarks><see cref="MaxTokens"/> is <see cref="int.MaxValue"/> when only the markers matter (a grammar that starts after reasoning).</remarks>
public sealed record ReasoningBudget(int MaxTokens, IReadOnlyList<int>? StartTokenIds, IReadOnlyList<int> EndTokenIds, bool StartsInReasoning)
{
    /// <summary>One request's progress against the budget; engines ask it for a forced token before each emit.</summary>
    public Tracker Track() => new(this);

    public sealed class Tracker(ReasoningBudget budget)
    {
        private readonly List<int> _recent = [];
        private bool _reasoning = budget.StartsInReasoning;
        private bool _ended;
        private int _spent;
        private int _forcing = -1;

        /// <summary>The output is inside reasoning now (a grammar for the answer waits until it ends).</summary>
        public bool InReasoning => (_reasoning && !_ended) || _forcing >= 0;

        /// <summary>The token the engine must emit instead of sampling one: the next token of the end marker, once the budget is spent.</summary>
        public int? Forced()
        {
            if (_forcing >= 0)
                return budget.EndTokenIds[_forcing];
            if (!_reasoning || _ended || _spent < budget.MaxTokens)
                return null;
            _forcing = 0;
            return budget.EndTokenIds[0];
        }

        /// <summary>The engine emitted <paramref name="token"/> (sampled or forced).</summary>
        public void Observe(int token)
        {
            if (_forcing >= 0)
            {
                if (++_forcing == budget.EndTokenIds.Count)
                    (_forcing, _ended, _reasoning) = (-1, true, false);
                return;
            }
            _recent.Add(token);
            if (_reasoning && EndsWith(budget.EndTokenIds))
                (_ended, _reasoning) = (true, false);
            else if (!_reasoning && !_ended && budget.StartTokenIds is { Count: > 0 } start && EndsWith(start))
                (_reasoning, _spent) = (true, 0);
            else if (_reasoning)
                _spent++;
            if (_recent.Count > 64)
                _recent.RemoveRange(0, _recent.Count - 64);
        }

        private bool EndsWith(IReadOnlyList<int> marker)
        {
            if (_recent.Count < marker.Count)
                return false;
            for (var i = 0; i < marker.Count; i++)
                if (_recent[_recent.Count - marker.Count + i] != marker[i])
                    return false;
            return true;
        }
    }
}
