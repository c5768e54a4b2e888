using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Grammar.Pda;

internal sealed class PdaGrammarCompilerFactory : IComponentFactory<IGrammarCompiler>
{
    public string Name => "pda";

    public IGrammarCompiler Create(ComponentContext context) => new PdaGrammarCompiler();
}
