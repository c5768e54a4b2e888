using System.Globalization;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Templates.Jinja.ChatTemplates;

/// <summary>
/// <c>"ChatTemplate": "jinja"</c>: the model's own template (its tokenizer's), or one from
/// configuration: <c>{ "Name": "jinja", "TemplateFile": "path.jinja" }</c> or
/// <c>{ "Name": "jinja", "Template": "{{ … }}" }</c>. Compiled once at start, so a broken
/// template stops the model from starting, with the line that is wrong.
/// </summary>
internal sealed class JinjaChatTemplateFactory : IComponentFactory<IChatTemplate>
{
    public string Name => "jinja";

    public IChatTemplate Create(ComponentContext context)
    {
        var (source, origin) = Source(context);
        var now = Clock(context.Services.GetService<TimeProvider>() ?? TimeProvider.System);
        try
        {
            return new JinjaChatTemplate(new JinjaTemplate(source, now));
        }
        catch (TemplateException e)
        {
            throw new ArgumentException($"the chat template ({origin}) does not compile: {e.Message}", e);
        }
    }

    private static (string Source, string Origin) Source(ComponentContext context)
    {
        if (context.Options["Template"] is { Length: > 0 } inline)
            return (inline, "the inline Template");
        if (context.Options["TemplateFile"] is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file);
            return File.Exists(path) ? (File.ReadAllText(path), path) : throw new ArgumentException($"the TemplateFile {path} does not exist.");
        }
        return context.Tokenizer?.ChatTemplate is { Length: > 0 } own
            ? (own, "the model's own, from its tokenizer")
            : throw new ArgumentException(
                "the model has no chat template of its own (no tokenizer.chat_template in the GGUF, no chat_template in tokenizer_config.json). " +
                "Give one: \"ChatTemplate\": { \"Name\": \"jinja\", \"TemplateFile\": \"template.jinja\" } or { \"Name\": \"jinja\", \"Template\": \"…\" }.");
    }

    /// <summary>strftime_now's clock: the instant in DYNAMO_TEMPLATE_NOW (ISO 8601) where set, so renders can be reproduced.</summary>
    private static Func<DateTimeOffset> Clock(TimeProvider time)
    {
        var fixedNow = Environment.GetEnvironmentVariable("DYNAMO_TEMPLATE_NOW");
        if (string.IsNullOrEmpty(fixedNow))
            return time.GetLocalNow;
        var instant = DateTimeOffset.Parse(fixedNow, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return () => instant;
    }
}
