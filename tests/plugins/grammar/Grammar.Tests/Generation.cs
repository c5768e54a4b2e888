using System.Text;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Grammar.Tests;

/// <summary>A random walk through a grammar, as an engine samples: a mask each step, one allowed token, the stop token when the grammar may end.</summary>
internal static class Generation
{
    public sealed record Result(string Text, List<int> Tokens, bool Finished);

    /// <param name="budget">Most tokens; the matcher is told how many remain, so it closes what is open in time.</param>
    /// <param name="stopChance">How likely the walk stops where the grammar may end.</param>
    public static Result Walk(ICompiledGrammar grammar, ITokenizer tokenizer, Random random, int budget = 200, double stopChance = 0.3, bool budgetAware = true)
    {
        var matcher = grammar.CreateMatcher();
        var mask = new ulong[(tokenizer.VocabSize + 63) / 64];
        var tokens = new List<int>();
        var bytes = new List<byte>();
        var allowed = new List<int>();
        while (tokens.Count < budget)
        {
            if (matcher.IsFinished || (matcher.CanEnd && random.NextDouble() < stopChance))
                return new Result(Encoding.UTF8.GetString([.. bytes]), tokens, true);
            matcher.FillMask(mask, budgetAware ? budget - tokens.Count : int.MaxValue);
            allowed.Clear();
            for (var t = 0; t < tokenizer.VocabSize; t++)
                if ((mask[t >> 6] >> (t & 63) & 1) != 0)
                    allowed.Add(t);
            if (allowed.Count == 0)
            {
                Assert.True(matcher.CanEnd, $"dead end after \"{Encoding.UTF8.GetString([.. bytes])}\"");
                return new Result(Encoding.UTF8.GetString([.. bytes]), tokens, true);
            }
            var token = allowed[random.Next(allowed.Count)];
            Assert.True(matcher.Accept(token), $"the mask allowed {token} but Accept refused it after \"{Encoding.UTF8.GetString([.. bytes])}\"");
            tokens.Add(token);
            bytes.AddRange(tokenizer.TokenBytes(token));
        }
        return new Result(Encoding.UTF8.GetString([.. bytes]), tokens, matcher.CanEnd);
    }
}
