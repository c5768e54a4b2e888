namespace Dynamo.Host.Anthropic;

/// <summary><c>Dynamo:Anthropic</c>: the Messages API front door.</summary>
public sealed class AnthropicOptions
{
    public const string Section = "Dynamo:Anthropic";

    /// <summary>
    /// Drop system lines that start <c>x-anthropic-billing-header:</c> before templating (on by default):
    /// Claude Code writes a new one every request, which would defeat prefix caching (Dynamo's <c>strip-anthropic-preamble</c>).
    /// </summary>
    public bool StripBillingHeader { get; set; } = true;
}
