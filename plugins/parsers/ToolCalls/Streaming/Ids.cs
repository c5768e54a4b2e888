namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>Call ids: letters and digits, as OpenAI's and Mistral's are.</summary>
internal static class Ids
{
    public static string Random(Random random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }
}
