namespace Dynamo.Abstractions.Constraints;

/// <summary>How a family writes a call's arguments.</summary>
public enum ArgumentsEncoding
{
    /// <summary>A JSON object valid against the tool's parameters.</summary>
    Json,

    /// <summary>
    /// Qwen3-Coder's XML parameters: <c>&lt;parameter=KEY&gt;\nVALUE\n&lt;/parameter&gt;\n</c> for each
    /// property; strings bare, other values as JSON.
    /// </summary>
    XmlParameters,

    /// <summary>Python keyword arguments: <c>key=value, …</c> with Python literals (strings quoted, True/False/None).</summary>
    PythonKeywords,
}
