using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// XML-style calls (Qwen3-Coder, GLM, MiniMax M2, DSML; see <see cref="XmlCallSyntax"/>). Values become
/// JSON by the request's schema for that parameter (<see cref="XmlValues"/>) or the family's own type
/// attribute; the arguments grow one whole parameter at a time.
/// A value runs to its end tag only where a next parameter, the call's end or the section's end follows
/// (so a value may hold those tags as text, as code does); a missing end tag is taken as read where the
/// next parameter of the tool begins. A call whose name is not a name (an unrendered template's
/// <c>{{ name }}</c>) is skipped.
/// </summary>
internal sealed class XmlCallsFormat(XmlCallSyntax syntax, IReadOnlyList<ToolDefinition> tools) : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = [syntax.StartMarker];

    public IReadOnlyList<string> InlineStarts { get; } = syntax.BareCalls ? [syntax.CallOpen] : [];

    public bool DropsTextAfterCalls => syntax.DropsTextAfterCalls;

    public bool MarkerIsContent => !syntax.SpecialMarkup;

    public SectionScan Scan(string section, bool final) => Scan(syntax.StartMarker, section, final);

    public SectionScan Scan(string marker, string section, bool final)
    {
        var scan = Read(section, final);
        if (!syntax.SpecialMarkup)
            return scan;
        // Special tokens never reach content: calls without their section are dropped with their markup, and so is a section of no calls.
        var bare = marker == syntax.CallOpen && syntax.BareCallsDropped;
        if (!bare && !(scan.Failed && scan.Calls.Count == 0))
            return scan;
        if (!bare && scan.End < 0)
            return scan;
        if (bare && scan.End >= 0 && !scan.Failed && Text.Find(section, 0, syntax.SectionClose ?? syntax.StartMarker) < 0)
            return SectionScan.Closed([], scan.End);
        return SectionScan.Drop(section, syntax.SectionClose, final);
    }

    private SectionScan Read(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var at = 0;
        var count = 0;
        while (true)
        {
            // Where the last call ended: text after it, spaces included, is read on as the stream would read it.
            var callEnd = at;
            at = JsonScan.SkipWhitespace(section, at);
            if (count > 0 && syntax.SectionClose is { } close)
            {
                switch (Text.At(section, at, close))
                {
                    case Text.Match.Yes:
                        return SectionScan.Closed(calls, at + close.Length);
                    case Text.Match.Partial:
                        return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
                }
                if (!syntax.ManyCalls)
                    return SectionScan.Closed(calls, callEnd);
            }
            else if (count > 0)
                return SectionScan.Closed(calls, callEnd);
            var (state, next) = Call(section, at, final, calls);
            if (state != Step.Done)
                return state == Step.Waiting ? SectionScan.Open(calls) : state == Step.Ended ? SectionScan.Closed(calls, next) : Stop(calls, count > 0 ? callEnd : next);
            at = next;
            count++;
        }
    }

    private enum Step
    {
        Done,
        Waiting,
        Ended,
        Broken,
    }

    // One call from at: adds it to calls (growing) and says where the section stands.
    private (Step Step, int Next) Call(string s, int at, bool final, List<ScannedCall> calls)
    {
        switch (Text.At(s, at, syntax.CallOpen))
        {
            case Text.Match.No:
                return (Step.Broken, at);
            case Text.Match.Partial:
                return final ? (Step.Broken, s.Length) : (Step.Waiting, 0);
        }
        var nameAt = at + syntax.CallOpen.Length;
        var (nameEnd, terminator) = FirstOf(s, nameAt, syntax.NameEnds);
        if (nameEnd < 0)
            return final ? (Step.Broken, s.Length) : (Step.Waiting, 0);
        var name = s[nameAt..nameEnd].Trim().Trim('"', '\'');
        if (name.Length == 0)
            return (Step.Broken, at);
        var i = terminator.StartsWith('<') ? nameEnd : nameEnd + terminator.Length;
        if (syntax.StringAttribute is not null)
        {
            // DSML: attributes may follow the name's closing quote before the tag ends.
            var tagEnd = s.IndexOf('>', i);
            if (tagEnd < 0)
                return final ? (Step.Broken, s.Length) : (Step.Waiting, 0);
            i = tagEnd + 1;
        }
        var skip = !IsName(name);
        var properties = Properties(name);
        var arguments = new StringBuilder("{");
        var keys = new HashSet<string>();
        while (true)
        {
            i = JsonScan.SkipWhitespace(s, i);
            if (Text.At(s, i, syntax.CallClose) == Text.Match.Yes)
            {
                if (!skip)
                    calls.Add(new ScannedCall(name, arguments.Append('}').ToString(), true));
                return (Step.Done, i + syntax.CallClose.Length);
            }
            var keyAt = Text.At(s, i, syntax.KeyOpen);
            if (keyAt == Text.Match.No && Text.At(s, i, syntax.CallClose) == Text.Match.No)
                return Ended(i);
            var keyEnd = keyAt == Text.Match.Yes ? s.IndexOf(syntax.KeyEnd, i + syntax.KeyOpen.Length, StringComparison.Ordinal) : -1;
            if (keyEnd < 0)
                return Waiting();
            var key = s[(i + syntax.KeyOpen.Length)..keyEnd].Trim();
            var afterKey = keyEnd + syntax.KeyEnd.Length;
            var isString = false;
            if (syntax.StringAttribute is { } attribute)
            {
                var tagEnd = s.IndexOf(syntax.ValueOpen, afterKey, StringComparison.Ordinal);
                if (tagEnd < 0)
                    return Waiting();
                isString = s[afterKey..tagEnd].Replace(" ", "").Contains($"{attribute}=\"true\"", StringComparison.Ordinal);
                afterKey = tagEnd;
            }
            // Space between a key and its value tag is layout; with no value tag, the value starts right after the key.
            var valueAt = syntax.ValueOpen.Length > 0 ? JsonScan.SkipWhitespace(s, afterKey) : afterKey;
            var valueOpen = Text.At(s, valueAt, syntax.ValueOpen);
            if (valueOpen == Text.Match.No)
                return Ended(i);
            if (valueOpen == Text.Match.Partial)
                return Waiting();
            var valueStart = valueAt + syntax.ValueOpen.Length;
            var (valueEnd, next) = ValueEnd(s, valueStart, key, keys, properties, final);
            if (valueEnd < 0)
                return Waiting();
            if (keys.Add(key))
            {
                var value = Trim(next == valueEnd ? Drifted(s[valueStart..valueEnd]) : s[valueStart..valueEnd]);
                if (arguments.Length > 1)
                    arguments.Append(", ");
                arguments.Append(JsonSerializer.Serialize(key, XmlText.Relaxed)).Append(": ").Append(Value(value, isString, properties, key));
            }
            i = next;
        }

        // The call ends without its close tag: the parameters so far are the call, where the family keeps calls cut
        // short or the section's close follows (only the call's own close went missing).
        (Step, int) Ended(int where)
        {
            var sectionClose = syntax.SectionClose is { } close ? Text.At(s, where, close) : Text.Match.No;
            if (sectionClose == Text.Match.Partial && !final)
                return (Step.Waiting, 0);
            if (!skip && (syntax.KeepsCutCalls || sectionClose == Text.Match.Yes))
                calls.Add(new ScannedCall(name, arguments.Append('}').ToString(), true));
            return (Step.Ended, where);
        }

        // Still arriving: the parameters so far are final; the object closes at the end of a stream cut short.
        (Step, int) Waiting()
        {
            // Where a call cut short is none, a call is only made once it closes; at the end, its markup goes with it.
            if (!syntax.KeepsCutCalls)
                return final ? (Step.Ended, s.Length) : (Step.Waiting, 0);
            if (!skip)
            {
                var soFar = arguments.ToString();
                calls.Add(final ? new ScannedCall(name, soFar + "}", true) : new ScannedCall(name, soFar, false));
            }
            return final ? (Step.Ended, s.Length) : (Step.Waiting, 0);
        }
    }

    /// <summary>Where a value that starts at <paramref name="start"/> ends, and where reading goes on; (-1, -1) while that is not known yet.</summary>
    /// <param name="key">The value's own parameter: its name written inside the value is text.</param>
    private (int ValueEnd, int Next) ValueEnd(string s, int start, string key, HashSet<string> keys, JsonElement? properties, bool final)
    {
        for (var from = start; ;)
        {
            var end = s.IndexOf(syntax.ValueEnd, from, StringComparison.Ordinal);
            var missing = NextParameter(s, start, end < 0 ? s.Length : end, key, keys, properties, final);
            if (missing.At >= 0 || missing.Undecided)
                return missing.Undecided ? (-1, -1) : (missing.At, missing.At);
            if (end < 0)
                return final ? (s.Length, s.Length) : (-1, -1);
            switch (Follows(s, end + syntax.ValueEnd.Length, key, keys, properties, final))
            {
                case Text.Match.Yes:
                    return (end, end + syntax.ValueEnd.Length);
                case Text.Match.Partial:
                    return (-1, -1);
            }
            from = end + syntax.ValueEnd.Length; // an end tag inside the value: text
        }
    }

    // What follows a value's end tag makes it one: another parameter of the tool, or the call's end (Yes);
    // anything else means the tag is text in the value (No); Partial while that is not known yet.
    private Text.Match Follows(string s, int at, string key, HashSet<string> keys, JsonElement? properties, bool final)
    {
        var after = JsonScan.SkipWhitespace(s, at);
        if (after >= s.Length)
            return final ? Text.Match.Yes : Text.Match.Partial;
        switch (Text.At(s, after, syntax.KeyOpen))
        {
            case Text.Match.Yes:
                var keyEnd = s.IndexOf(syntax.KeyEnd, after + syntax.KeyOpen.Length, StringComparison.Ordinal);
                if (keyEnd < 0)
                    return final ? Text.Match.Yes : Text.Match.Partial;
                // A value with its own open tag (GLM) cannot be quoting a parameter; a bare one (Qwen3-Coder) may be.
                return syntax.ValueOpen.Length > 0 || Settable(s[(after + syntax.KeyOpen.Length)..keyEnd].Trim(), key, keys, properties) ? Text.Match.Yes : Text.Match.No;
            case Text.Match.Partial:
                return final ? Text.Match.Yes : Text.Match.Partial;
        }
        // The section's close right after a value: only the call's own close went missing.
        if (syntax.SectionClose is { } sectionClose && syntax.ManyCalls && Text.At(s, after, sectionClose) == Text.Match.Yes)
            return CallEnds(s, after, final);
        return Text.At(s, after, syntax.CallClose) switch
        {
            Text.Match.Yes => CallEnds(s, after + syntax.CallClose.Length, final),
            Text.Match.Partial => final ? Text.Match.Yes : Text.Match.Partial,
            _ => Text.Match.No,
        };
    }

    // After a call's close (and its section's): the end, another call, or text with no value end tag left in it
    // (a value quoting a whole call carries that call's close tags too; the real ones come after).
    private Text.Match CallEnds(string s, int at, bool final)
    {
        var after = JsonScan.SkipWhitespace(s, at);
        if (syntax.SectionClose is { } close && !syntax.ManyCalls)
        {
            switch (Text.At(s, after, close))
            {
                case Text.Match.Yes:
                    after = JsonScan.SkipWhitespace(s, after + close.Length);
                    break;
                case Text.Match.Partial:
                    return final ? Text.Match.Yes : Text.Match.Partial;
            }
        }
        if (after >= s.Length)
            return final ? Text.Match.Yes : Text.Match.Partial;
        var next = new[] { syntax.StartMarker, syntax.CallOpen, syntax.SectionClose ?? syntax.CallOpen }.Select(t => Text.At(s, after, t)).ToList();
        if (next.Contains(Text.Match.Yes))
            return Text.Match.Yes;
        if (next.Contains(Text.Match.Partial))
            return final ? Text.Match.Yes : Text.Match.Partial;
        // Text follows: the close was a value's text if a value's end tag comes before any new call.
        var valueEnd = s.IndexOf(syntax.ValueEnd, after, StringComparison.Ordinal);
        var nextCall = s.IndexOf(syntax.StartMarker, after, StringComparison.Ordinal);
        if (valueEnd >= 0 && (nextCall < 0 || valueEnd < nextCall))
            return Text.Match.No;
        return final || nextCall >= 0 ? Text.Match.Yes : Text.Match.Partial;
    }

    // A parameter the value's end may lead to: one not set yet, and one of the tool's when the value is text
    // (where code quoting parameter tags is likely); any name after a value of another type.
    private static bool Settable(string name, string key, HashSet<string> keys, JsonElement? properties) =>
        name != key && !keys.Contains(name) && IsName(name)
        && (properties is not { } p || p.TryGetProperty(name, out _) || !IsText(p, key));

    private static bool IsText(JsonElement properties, string key) =>
        !properties.TryGetProperty(key, out var property) || !property.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() == "string";

    // A parameter of the tool that is not set yet, or the call's end where the section ends, before the value's end tag: the end tag went missing.
    private (int At, bool Undecided) NextParameter(string s, int start, int limit, string key, HashSet<string> keys, JsonElement? properties, bool final)
    {
        for (var at = s.IndexOf(syntax.CallClose, start, StringComparison.Ordinal); at >= 0 && at < limit; at = s.IndexOf(syntax.CallClose, at + 1, StringComparison.Ordinal))
            switch (CallEnds(s, at + syntax.CallClose.Length, final))
            {
                case Text.Match.Yes:
                    return (at, false);
                case Text.Match.Partial:
                    return (-1, true);
            }
        if (syntax.ValueOpen.Length > 0 && syntax.StringAttribute is null)
            return (-1, false); // GLM's values have their own open tag: a key inside one is text
        for (var at = s.IndexOf(syntax.KeyOpen, start, StringComparison.Ordinal); at >= 0 && at < limit; at = s.IndexOf(syntax.KeyOpen, at + 1, StringComparison.Ordinal))
        {
            var keyEnd = s.IndexOf(syntax.KeyEnd, at + syntax.KeyOpen.Length, StringComparison.Ordinal);
            if (keyEnd < 0)
                return (-1, !final);
            if (Settable(s[(at + syntax.KeyOpen.Length)..keyEnd].Trim(), key, keys, properties))
                return (at, false);
        }
        return (-1, false);
    }

    private string Value(string value, bool isString, JsonElement? properties, string key)
    {
        if (syntax.StringAttribute is null)
            return XmlValues.ToJson(value, properties is { } p && p.TryGetProperty(key, out var property) ? property : null, syntax.UntypedAsJson);
        var trimmed = value.Trim();
        if (!isString && XmlText.IsJson(trimmed))
            return trimmed;
        return JsonSerializer.Serialize(isString ? value : trimmed, XmlText.Relaxed);
    }

    private static SectionScan Stop(List<ScannedCall> calls, int at) => calls.Count > 0 ? SectionScan.Closed(calls, at) : SectionScan.Fail([], at);

    private static bool IsName(string name) => name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ':');

    private static (int At, string Which) FirstOf(string s, int from, string[] options)
    {
        var (best, which) = (-1, "");
        foreach (var option in options)
        {
            var at = s.IndexOf(option, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
                (best, which) = (at, option);
        }
        return (best, which);
    }

    // A value whose end tag the model misspelt (</parameter, </parameter1>) and that ended at the next
    // parameter: the misspelt tag on its last line is markup, not value.
    private string Drifted(string value)
    {
        var trimmed = value.TrimEnd();
        var lastLine = trimmed.LastIndexOf('\n') + 1;
        var stem = syntax.ValueEnd[..^1];
        return lastLine > 0 && trimmed[lastLine..].TrimStart().StartsWith(stem, StringComparison.Ordinal) ? trimmed[..lastLine] : value;
    }

    // One newline either side of a value is layout, not content.
    private static string Trim(string value)
    {
        if (value.StartsWith('\n'))
            value = value[1..];
        if (value.EndsWith('\n'))
            value = value[..^1];
        return value;
    }

    private JsonElement? Properties(string name) =>
        tools.FirstOrDefault(t => t.Name == name)?.Parameters is { ValueKind: JsonValueKind.Object } schema && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : null;
}
