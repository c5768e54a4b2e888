namespace Dynamo.Runtime;

/// <summary>Text or a chat as a model's tokens, with the context they must fit.</summary>
public sealed record TokenizeResult(string Model, int[] Tokens, int MaxContextLength);
