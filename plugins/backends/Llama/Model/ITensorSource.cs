namespace Dynamo.Backends.Llama.Model;

/// <summary>Where a model's tensors come from, named as llama.cpp names them (<c>blk.0.attn_q.weight</c>).</summary>
internal interface ITensorSource
{
    /// <summary>The file or folder, for error messages.</summary>
    string Path { get; }

    bool Has(string name);

    /// <summary>A vector (norm weights, biases) of <paramref name="length"/> values, as F32.</summary>
    float[] Vector(string name, int length);

    /// <summary>A [rows][cols] matrix, kept in its stored type.</summary>
    WeightMatrix Matrix(string name, int cols, int rows);
}
