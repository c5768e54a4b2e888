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

    /// <summary>While a streamed answer is silent (a long prefill, a queue), a <c>ping</c> event this often keeps clients and proxies from timing out.</summary>
    public double PingIntervalSeconds { get; set; } = 10;
}
