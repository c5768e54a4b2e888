using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Abstractions.Constraints;

/// <summary>
/// A grammar engine (a plugin of kind <c>GrammarCompiler</c>, chosen per model by name): turns a
/// <see cref="GrammarSpec"/> into a token-level matcher over one tokenizer's vocabulary. The runtime
/// compiles each (grammar, tokenizer) once and caches the result; compiled grammars are shared by
/// every request and thread that uses them.
/// </summary>
public interface IGrammarCompiler
{
    /// <exception cref="GrammarException">The grammar is malformed or uses something this engine does not support (a 400 naming it).</exception>
    ICompiledGrammar Compile(GrammarSpec spec, ITokenizer tokenizer);
}
