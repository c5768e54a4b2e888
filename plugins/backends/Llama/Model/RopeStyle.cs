namespace Dynamo.Backends.Llama.Model;

/// <summary>Which dimensions RoPE rotates together.</summary>
internal enum RopeStyle
{
    /// <summary>Adjacent pairs (x[2i], x[2i+1]): GPT-J style, llama.cpp's "norm" (Llama, Mistral GGUFs).</summary>
    Interleaved,
    /// <summary>Half-split pairs (x[i], x[i + d/2]): GPT-NeoX style (Qwen2, Qwen3).</summary>
    HalfSplit,
}
