using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Regex;

/// <summary>A parsed regular expression over code points.</summary>
internal abstract record Rx;

internal sealed record RxChars(CodePointSet Set) : Rx;

internal sealed record RxSeq(List<Rx> Items) : Rx;

internal sealed record RxAlt(List<Rx> Items) : Rx;

internal sealed record RxRepeat(Rx Item, int Min, int Max) : Rx;
