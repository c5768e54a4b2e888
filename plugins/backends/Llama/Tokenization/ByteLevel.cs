namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// GPT-2's byte-to-character table, which byte-level BPE vocabularies are written in: printable
/// Latin-1 bytes stand for themselves, the other bytes move to U+0100 and up in byte order.
/// </summary>
internal static class ByteLevel
{
    private static readonly char[] Chars = BuildChars();
    private static readonly short[] Bytes = BuildBytes();

    public static char ToChar(byte b) => Chars[b];

    /// <summary>The byte a character stands for, or -1 where it stands for none.</summary>
    public static int ToByte(char c) => c < Bytes.Length ? Bytes[c] : -1;

    private static char[] BuildChars()
    {
        var chars = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            chars[b] = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? (char)b : (char)next++;
        return chars;
    }

    private static short[] BuildBytes()
    {
        var bytes = new short[512];
        Array.Fill(bytes, (short)-1);
        for (var b = 0; b < 256; b++)
            bytes[Chars[b]] = (short)b;
        return bytes;
    }
}
