namespace Dynamo.Backends.Llama.Gguf;

/// <summary>A model file that cannot be used; the message names the file and what is wrong with it.</summary>
internal sealed class GgufFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
