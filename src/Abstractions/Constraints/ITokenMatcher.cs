namespace Dynamo.Abstractions.Constraints;

/// <summary>
/// One sequence's progress through a grammar. At each sampling step the engine asks for the mask of
/// allowed next tokens, samples among them (stop tokens only when <see cref="CanEnd"/>), and reports
/// the token it chose. Not thread-safe: one sequence, one thread at a time.
/// </summary>
public interface ITokenMatcher
{
    /// <summary>Writes the allowed next tokens as a bit mask over the vocabulary (bit <c>id % 64</c> of word <c>id / 64</c>).</summary>
    /// <param name="mask">At least <c>(VocabSize + 63) / 64</c> words; every word is written.</param>
    /// <param name="remainingTokens">
    /// Tokens the sequence may still generate. When the shortest way to finish the grammar needs about
    /// that many, the mask keeps only tokens along it, so the output closes before the budget ends.
    /// </param>
    void FillMask(Span<ulong> mask, int remainingTokens = int.MaxValue);

    /// <summary>The output so far is a complete sentence of the grammar: the sequence may stop here.</summary>
    bool CanEnd { get; }

    /// <summary>Nothing may follow: the sequence must stop.</summary>
    bool IsFinished { get; }

    /// <summary>Moves past <paramref name="token"/>.</summary>
    /// <returns>False, and no move, when the grammar does not allow it.</returns>
    bool Accept(int token);
}
