using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Grammar.Pda;
using Dynamo.Grammar.Pda.Matching;

namespace Dynamo.Grammar.Tests;

/// <summary>The counting shortcut for long counted repetitions (strings with a maxLength) against the trie walk it replaces.</summary>
public sealed class CountedRepetitionTests
{
    public static TheoryData<string> Schemas => new()
    {
        """{"type":"string","maxLength":40}""",
        """{"type":"string","minLength":20,"maxLength":30}""",
        """{"type":"object","properties":{"title":{"type":"string","maxLength":24},"n":{"type":"integer"}},"required":["title","n"]}""",
        """{"type":"array","items":{"type":"string","minLength":1,"maxLength":18},"maxItems":3}""",
    };

    private const string Other = """{"type":"object","properties":{"n":{"type":"number"},"e":{"enum":["x","y"]},"s":{"type":"string","maxLength":50}},"required":["s"]}""";

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Counting_finds_what_the_walk_finds_at_every_position(string schema)
    {
        foreach (var tokenizer in new ITokenizer[] { new SyntheticTokenizer(), Vocabularies.Stories260K() })
        {
            // Cuts are shared by grammars with the same repeated rule: another grammar (its states numbered otherwise) cuts first.
            var other = (CompiledGrammar)new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse(Other).RootElement.Clone()), tokenizer);
            for (var chain = 0; chain < other.Automaton.Chains.Count; chain++)
                ChainTokens.For(other.Automaton, other.Vocabulary, chain);
            var grammar = (CompiledGrammar)new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse(schema).RootElement.Clone()), tokenizer);
            var a = grammar.Automaton;
            Assert.NotEmpty(a.Chains);
            var checkedPositions = 0;
            for (var chain = 0; chain < a.Chains.Count; chain++)
            {
                var counting = ChainTokens.For(a, grammar.Vocabulary, chain);
                Assert.NotNull(counting);
                for (var index = 0; index <= a.Chains[chain].Max; index++)
                {
                    var state = a.Chains[chain].Positions[index];
                    var expected = StateTokens.Classify(a, grammar.Vocabulary, state);
                    var actual = counting!.Classify(index);
                    Assert.Equal(Accepted(expected, grammar.Vocabulary), Accepted(actual, grammar.Vocabulary));
                    Assert.Equal(expected.Uncertain.Order(), actual.Uncertain.Order());
                    Assert.Equal(expected.ShiftTokens.Zip(expected.ShiftDeltas).Order(), actual.ShiftTokens.Zip(actual.ShiftDeltas).Order());
                    checkedPositions++;
                }
            }
            Assert.True(checkedPositions > 18);
        }
    }

    private static int[] Accepted(StateTokens tokens, Vocabulary vocabulary)
    {
        var mask = new ulong[vocabulary.MaskWords];
        tokens.OrAccepted(mask);
        return [.. Enumerable.Range(0, vocabulary.Size).Where(t => (mask[t >> 6] >> (t & 63) & 1) != 0)];
    }
}
