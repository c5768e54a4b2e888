using System.Text;

namespace Dynamo.Host.Responses;

/// <summary>
/// The <c>encrypted_content</c> of our reasoning items: an opaque envelope around the reasoning text, so
/// a client that keeps no server state (<c>store: false</c>) can send the reasoning back. Not secret: the
/// reasoning was the client's to see; only what this server wrote opens.
/// </summary>
internal static class ReasoningCipher
{
    private const string Prefix = "dynamo.r1.";

    public static string Seal(string reasoning) => Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(reasoning));

    /// <returns>The reasoning text, or null when the envelope is not ours (another server's reasoning cannot be read here).</returns>
    public static string? Open(string encrypted)
    {
        if (!encrypted.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encrypted[Prefix.Length..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
