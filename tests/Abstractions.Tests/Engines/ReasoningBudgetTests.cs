using Dynamo.Abstractions.Engines;

namespace Dynamo.Abstractions.Tests.Engines;

/// <summary>The reasoning budget's tracker against a plain reference: it forces the end marker exactly when the budget is spent.</summary>
public sealed class ReasoningBudgetTests
{
    private static readonly int[] Start = [1, 2];
    private static readonly int[] End = [3, 4, 5];

    /// <summary>Runs an engine loop: the tracker's forced token when it has one, else the model's next.</summary>
    private static List<int> Run(ReasoningBudget budget, IEnumerable<int> model, int length)
    {
        var tracker = budget.Track();
        var output = new List<int>();
        using var next = model.GetEnumerator();
        while (output.Count < length)
        {
            var token = tracker.Forced() ?? (next.MoveNext() ? next.Current : throw new InvalidOperationException("model ran out"));
            tracker.Observe(token);
            output.Add(token);
        }
        return output;
    }

    [Fact]
    public void A_model_that_starts_in_reasoning_is_cut_after_the_budget_and_then_left_alone()
    {
        var output = Run(new ReasoningBudget(4, null, End, StartsInReasoning: true), Enumerable.Repeat(9, 100), 12);
        Assert.Equal([9, 9, 9, 9, 3, 4, 5, 9, 9, 9, 9, 9], output);
    }

    [Fact]
    public void Reasoning_that_ends_itself_within_budget_is_never_forced_and_reasoning_opened_later_is_counted_from_its_start()
    {
        Assert.Equal([9, 3, 4, 5, 9, 9], Run(new ReasoningBudget(4, null, End, StartsInReasoning: true), [9, 3, 4, 5, 9, 9], 6));
        // Not in reasoning until the start marker: the answer before it costs nothing.
        Assert.Equal([9, 9, 1, 2, 7, 7, 3, 4, 5, 7], Run(new ReasoningBudget(2, Start, End, StartsInReasoning: false), [9, 9, 1, 2, 7, 7, 7, 7, 9, 9, 9], 10));
    }

    [Fact]
    public void On_random_streams_the_tracker_agrees_with_a_plain_reference()
    {
        var random = new Random(1234);
        for (var trial = 0; trial < 500; trial++)
        {
            var max = random.Next(1, 8);
            var startsIn = random.Next(2) == 0;
            var model = Enumerable.Range(0, 200).Select(_ => random.Next(1, 8)).ToList(); // markers' tokens appear by chance too
            var budget = new ReasoningBudget(max, Start, End, startsIn);
            var output = Run(budget, model, 40);
            Assert.Equal(Reference(budget, model, 40), output);
        }
    }

    /// <summary>The rule spelled out over the whole text: in reasoning, after <c>MaxTokens</c> reasoning tokens, the end marker follows.</summary>
    private static List<int> Reference(ReasoningBudget budget, List<int> model, int length)
    {
        var output = new List<int>();
        var (reasoning, ended, spent, source) = (budget.StartsInReasoning, false, 0, 0);
        while (output.Count < length)
        {
            if (reasoning && spent >= budget.MaxTokens)
            {
                output.AddRange(budget.EndTokenIds);
                (reasoning, ended) = (false, true);
                continue;
            }
            var token = model[source++];
            output.Add(token);
            if (reasoning && EndsWith(output, budget.EndTokenIds))
                (reasoning, ended) = (false, true);
            else if (!reasoning && !ended && EndsWith(output, budget.StartTokenIds!))
                (reasoning, spent) = (true, 0);
            else if (reasoning)
                spent++;
        }
        return output.Take(length).ToList();
    }

    private static bool EndsWith(List<int> output, IReadOnlyList<int> marker) =>
        output.Count >= marker.Count && output.Skip(output.Count - marker.Count).SequenceEqual(marker);
}
