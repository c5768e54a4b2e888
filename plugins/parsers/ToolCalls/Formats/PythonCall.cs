using System.Text;
using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>One call <c>name(key=value, …)</c> in Python syntax; its keyword arguments' literals become a JSON object.</summary>
internal static class PythonCall
{
    public enum Outcome
    {
        /// <summary>A call, read up to its ')'.</summary>
        Call,

        /// <summary>Well formed, but an argument has no JSON value (a bytes literal, 1e999, a variable): this call is skipped, its siblings kept.</summary>
        Unusable,

        /// <summary>The text ends inside the call.</summary>
        Incomplete,

        /// <summary>Not Python call syntax.</summary>
        Broken,
    }

    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (Outcome Outcome, string Name, string Arguments) Read(PythonReader reader)
    {
        var name = reader.Identifier();
        if (name is null)
            return (Outcome.Incomplete, "", "");
        if (name.Length == 0 || !reader.Take('('))
            return (Outcome.Broken, "", "");
        var arguments = reader.Position;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Relaxed))
        {
            json.WriteStartObject();
            for (var first = true; ; first = false)
            {
                reader.Space();
                if (reader.AtEnd)
                    return (Outcome.Incomplete, "", "");
                if (reader.Take(')'))
                    break;
                if (!first && !reader.Take(','))
                    return (Outcome.Broken, "", "");
                reader.Space();
                if (reader.Take(')'))
                    break;
                var (outcome, done) = Argument(reader, json);
                if (outcome is not null)
                    return (outcome.Value, "", "");
                if (!done)
                {
                    // Skip this call whole, from its '(' again: the literal that failed may sit deep inside brackets.
                    reader.Seek(arguments);
                    return reader.SkipArguments() switch
                    {
                        PythonReader.Result.Done => (Outcome.Unusable, name, ""),
                        PythonReader.Result.Incomplete => (Outcome.Incomplete, "", ""),
                        _ => (Outcome.Broken, "", ""),
                    };
                }
            }
            json.WriteEndObject();
        }
        return (Outcome.Call, name, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <returns>An outcome that ends the call early, else whether the value converted.</returns>
    private static (Outcome? Outcome, bool Done) Argument(PythonReader reader, Utf8JsonWriter json)
    {
        var start = reader.Position;
        var key = reader.Identifier();
        if (key is null)
            return (Outcome.Incomplete, false);
        reader.Space();
        if (reader.AtEnd)
            return (Outcome.Incomplete, false);
        PythonReader.Result value;
        if (key.Length > 0 && reader.Take('='))
        {
            json.WritePropertyName(key);
            value = reader.Literal(json);
        }
        else
        {
            // A positional argument has no name to go under: read past it and leave it out (as SGLang does).
            reader.Seek(start);
            using var ignored = new Utf8JsonWriter(Stream.Null);
            value = reader.Literal(ignored);
        }
        return value switch
        {
            PythonReader.Result.Done => (null, true),
            PythonReader.Result.Incomplete => (Outcome.Incomplete, false),
            _ => (null, false),
        };
    }
}
