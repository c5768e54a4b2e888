namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>A run of plain input text (<see cref="Token"/> is -1) or one special token matched in it, as a range of the input.</summary>
internal readonly record struct TextFragment(int Start, int Length, int Token)
{
    public bool IsText => Token < 0;
}
