namespace Dynamo.Abstractions.Constraints;

/// <summary>A grammar compiled for one tokenizer: thread-safe, immutable to its users; each generated sequence gets its own matcher.</summary>
public interface ICompiledGrammar
{
    ITokenMatcher CreateMatcher();
}
