namespace Dynamo.Planner.Policy;

/// <summary>
/// Shares <c>MaxTotalWorkers</c> between pools that together want more: each keeps its minimum, and what the
/// budget holds beyond the minimums goes to the pools in proportion to what each wants above its own minimum
/// (largest remainders get the leftover workers, ties in pool order).
/// </summary>
internal static class BudgetShare
{
    public static int[] Share(IReadOnlyList<int> wants, IReadOnlyList<int> minimums, int budget)
    {
        if (wants.Sum() <= budget)
            return [.. wants];
        var spare = budget - minimums.Sum();
        var extra = wants.Select((w, i) => Math.Max(0, w - minimums[i])).ToArray();
        var totalExtra = (double)extra.Sum();
        var exact = extra.Select(e => spare * e / totalExtra).ToArray();
        var shares = exact.Select((e, i) => minimums[i] + (int)Math.Floor(e)).ToArray();
        var leftover = budget - shares.Sum();
        foreach (var i in Enumerable.Range(0, shares.Length).OrderByDescending(i => exact[i] - Math.Floor(exact[i])).ThenBy(i => i).Take(Math.Max(0, leftover)))
            shares[i]++;
        return shares;
    }
}
