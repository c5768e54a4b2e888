using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Grammar.Pda.Automata;
using Dynamo.Grammar.Pda.Ir;
using Dynamo.Grammar.Pda.Json;
using Dynamo.Grammar.Pda.Lark;
using Dynamo.Grammar.Pda.Matching;
using Dynamo.Grammar.Pda.Regex;
using Dynamo.Grammar.Pda.ToolCalls;

namespace Dynamo.Grammar.Pda;

/// <summary>
/// The <c>pda</c> grammar engine: every kind of grammar becomes rules over bytes, each rule a DFA, run
/// as a pushdown automaton; token masks come from per-state token classes over the vocabulary's trie.
/// </summary>
internal sealed class PdaGrammarCompiler : IGrammarCompiler
{
    public ICompiledGrammar Compile(GrammarSpec spec, ITokenizer tokenizer)
    {
        var g = new GrammarBuilder();
        var start = spec switch
        {
            JsonSchemaGrammar json => JsonSchemaTranslator.Translate(g, json.Schema, json.Whitespace),
            RegexGrammar regex => g.Add("regex", RegexNodes.Plain(regex.Pattern, "structured_outputs.regex")),
            ChoiceGrammar choice => choice.Choices.Count > 0
                ? g.Add("choice", Node.Alt([.. choice.Choices.Select(Node.Text)]))
                : throw new GrammarException("A choice needs at least one option.", "choice"),
            LarkGrammar lark => LarkTranslator.Translate(g, lark.Source),
            ToolCallsGrammar tools => ToolCallsTranslator.Translate(g, tools, tokenizer),
            _ => throw new GrammarException($"This engine does not compile {spec.GetType().Name}."),
        };
        return new CompiledGrammar(new Automaton(g, start), Vocabulary.For(tokenizer));
    }
}
