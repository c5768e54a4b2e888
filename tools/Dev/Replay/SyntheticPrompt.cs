namespace Dynamo.Dev.Replay;

/// <summary>
/// A prompt made from a request's block hashes: each hash becomes the same <c>blockTokens</c> token
/// ids wherever it appears, so requests share exactly the prefixes the trace says they share. A
/// trace block stands for <c>blockTokens</c> tokens (shrinking Mooncake's 512 so a long trace fits a
/// small machine); the last block keeps its share of the trace's partial block.
/// </summary>
internal static class SyntheticPrompt
{
    public static int[] Tokens(ReplayRequest request, int blockTokens, int vocabulary)
    {
        var hashes = request.BlockHashes;
        if (hashes.Count == 0)
            return [Token((ulong)request.InputLength, 0, vocabulary)];
        var lastTrace = request.InputLength - (hashes.Count - 1) * request.TraceBlockSize;
        var last = Math.Clamp((int)Math.Ceiling((double)lastTrace * blockTokens / request.TraceBlockSize), 1, blockTokens);
        var tokens = new int[(hashes.Count - 1) * blockTokens + last];
        for (var b = 0; b < hashes.Count; b++)
            for (var i = 0; i < blockTokens && b * blockTokens + i < tokens.Length; i++)
                tokens[b * blockTokens + i] = Token(hashes[b], i, vocabulary);
        return tokens;
    }

    // SplitMix64 of (hash, position): the same hash gives the same block; ids 1..vocabulary-3 keep clear of special tokens.
    private static int Token(ulong hash, int position, int vocabulary)
    {
        var z = hash + 0x9E3779B97F4A7C15UL * (ulong)(position + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return 1 + (int)(z % (ulong)(vocabulary - 3));
    }
}
