using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// One device's forward pass: the kernel set (CPU SIMD or ILGPU) with the activations and KV
/// storage living where that device's kernels can reach them. The model, scheduler and KV block
/// bookkeeping above it are the same for every device.
/// </summary>
internal interface IForwardPass : IDisposable
{
    /// <summary>What runs the kernels, for the log ("CPU SIMD, 2 cores", "CUDA NVIDIA H100").</summary>
    string Device { get; }

    /// <summary>K and V storage for <paramref name="blocks"/> blocks of every layer.</summary>
    IKvStorage CreateKvStorage(int blocks, int blockSize);

    ForwardScratch NewScratch(int maxTokens, int maxLogits);

    /// <summary>
    /// Runs a batch. Tokens of one sequence come in position order, continuing where the
    /// sequence ends; wanted logits land in each sequence's <see cref="SequenceState.Logits"/>.
    /// </summary>
    void Forward(ReadOnlySpan<BatchItem> items, ForwardScratch scratch);
}
