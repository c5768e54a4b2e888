using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Grammar.Pda;

namespace Dynamo.Grammar.Tests;

/// <summary>
/// Masks against a direct run: at every step of random walks, each token is in the mask exactly when a
/// fresh matcher, replayed to the same point, accepts it. The mask path (per-state token classes,
/// uncertain tokens checked on the full stack, reused masks) and the direct path share nothing but the automaton.
/// </summary>
public sealed class MaskConsistencyTests
{
    private static readonly SyntheticTokenizer Tokenizer = new();

    public static TheoryData<string, string> Grammars => new()
    {
        { "json", """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":130},"tags":{"type":"array","items":{"type":"string"},"maxItems":3}},"required":["name"]}""" },
        { "json", """{"type":"array","items":{"anyOf":[{"type":"number"},{"type":"boolean"},{"type":"null"}]}}""" },
        { "json", """{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"items":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["value"]}},"$ref":"#/$defs/node"}""" },
        { "json", """{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"city":{"enum":["Paris","Tokyo",null,3]}},"additionalProperties":{"type":"boolean"}}""" },
        { "json", "{}" },
        { "json", """{"type":"string","pattern":"^[a-c]{2,4}(x|yz)?$"}""" },
        { "json", """{"type":"string","minLength":2,"maxLength":5}""" },
        { "json", """{"type":"object","properties":{"a":{"type":"string","minLength":3,"maxLength":30},"b":{"type":"boolean"}},"required":["a","b"]}""" },
        { "regex", @"(\d{3}-)?[a-z]+@(example|test)\.com" },
        { "lark", "start: expr\nexpr: term ((\"+\" | \"-\") term)*\nterm: NUMBER | \"(\" expr \")\"\n%import common.NUMBER\n" },
        { "choice", "[\"Paris\", \"Tokyo\", \"New York\"]" },
    };

    [Theory]
    [MemberData(nameof(Grammars))]
    public void Every_mask_is_what_a_direct_run_accepts(string kind, string source)
    {
        var grammar = new PdaGrammarCompiler().Compile(Spec(kind, source), Tokenizer);
        var random = new Random(source.Length);
        for (var walk = 0; walk < 6; walk++)
        {
            var result = Generation.Walk(grammar, Tokenizer, random, budget: 40, budgetAware: walk % 2 == 0);
            // Replay every prefix and compare the plain mask with Accept, token by token.
            var mask = new ulong[(Tokenizer.VocabSize + 63) / 64];
            for (var step = 0; step <= result.Tokens.Count; step += Math.Max(1, result.Tokens.Count / 5))
            {
                var matcher = Replay(grammar, result.Tokens, step);
                matcher.FillMask(mask);
                for (var t = 0; t < Tokenizer.VocabSize; t++)
                {
                    var inMask = (mask[t >> 6] >> (t & 63) & 1) != 0;
                    Assert.True(inMask == Replay(grammar, result.Tokens, step).Accept(t),
                        $"{kind} {source}: token {t} ({Tokenizer.Decode([t])}) after \"{Tokenizer.Decode(result.Tokens.Take(step).ToArray())}\": mask says {inMask}");
                }
            }
        }
    }

    private static ITokenMatcher Replay(ICompiledGrammar grammar, List<int> tokens, int count)
    {
        var matcher = grammar.CreateMatcher();
        foreach (var t in tokens.Take(count))
            Assert.True(matcher.Accept(t));
        return matcher;
    }

    internal static GrammarSpec Spec(string kind, string source) => kind switch
    {
        "json" => new JsonSchemaGrammar(JsonDocument.Parse(source).RootElement.Clone()),
        "regex" => new RegexGrammar(source),
        "lark" => new LarkGrammar(source),
        _ => new ChoiceGrammar(JsonSerializer.Deserialize<string[]>(source)!),
    };
}
