namespace Dynamo.Backends.Llama.Model;

/// <summary>One token of a forward batch: which sequence, where, and whether its next-token logits are wanted.</summary>
internal readonly record struct BatchItem(SequenceState Sequence, int Token, int Position, bool WantLogits);
