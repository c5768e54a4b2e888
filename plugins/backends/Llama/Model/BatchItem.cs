namespace Dynamo.Backends.Llama.Model;

/// <summary>One token of a forward batch: which sequence, where, and whether its next-token logits are wanted.</summary>
/// <param name="Mask">
/// Tokens allowed next, a bit each (a grammar's mask): the others' logits come back as -∞, masked where the
/// logits are computed, so a GPU masks them on the device. Null: no mask.
/// </param>
internal readonly record struct BatchItem(SequenceState Sequence, int Token, int Position, bool WantLogits, ulong[]? Mask = null);
