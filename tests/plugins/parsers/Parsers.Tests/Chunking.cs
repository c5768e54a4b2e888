namespace Dynamo.Parsers.Tests;

/// <summary>Ways to cut a text into stream chunks: whole, one character at a time, and random cuts.</summary>
internal static class Chunking
{
    public static IEnumerable<(string Name, IReadOnlyList<string> Chunks)> All(string text)
    {
        yield return ("whole", [text]);
        yield return ("chars", text.Select(c => c.ToString()).ToList());
        for (var seed = 1; seed <= 6; seed++)
        {
            var random = new Random(seed);
            var chunks = new List<string>();
            for (var i = 0; i < text.Length;)
            {
                var length = Math.Min(text.Length - i, random.Next(1, 9));
                chunks.Add(text.Substring(i, length));
                i += length;
            }
            yield return ($"random {seed}", chunks);
        }
    }
}
