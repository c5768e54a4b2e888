using System.Globalization;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>The global functions of Hugging Face's chat-template environment.</summary>
internal static class Globals
{
    public static void AddTo(Scope scope, Func<DateTimeOffset> now)
    {
        scope.Set("range", new Callable("range", (args, _) =>
        {
            var numbers = args.Select(a => a is long l ? l : throw new TemplateRuntimeException("range() takes integers")).ToArray();
            var (start, stop, step) = numbers.Length switch
            {
                1 => (0, numbers[0], 1L),
                2 => (numbers[0], numbers[1], 1L),
                3 => (numbers[0], numbers[1], numbers[2]),
                _ => throw new TemplateRuntimeException("range() takes 1 to 3 arguments"),
            };
            if (step == 0)
                throw new TemplateRuntimeException("range() arg 3 must not be zero");
            var items = new List<object?>();
            for (var i = start; step > 0 ? i < stop : i > stop; i += step)
                items.Add(i);
            return items;
        }));
        scope.Set("namespace", new Callable("namespace", (args, named) =>
        {
            var ns = new Namespace();
            foreach (var arg in args)
                if (arg is System.Collections.IDictionary dict)
                    foreach (var (k, v) in Values.Pairs(dict))
                        ns[Values.Str(k)] = v;
            foreach (var (k, v) in named)
                ns[k] = v;
            return ns;
        }));
        scope.Set("dict", new Callable("dict", (_, named) =>
        {
            var dict = new OrderedDictionary<object, object?>();
            foreach (var (k, v) in named)
                dict[k] = v;
            return dict;
        }));
        scope.Set("raise_exception", new Callable("raise_exception", (args, _) => throw new RaisedException(Values.Str(args.FirstOrDefault()))));
        scope.Set("strftime_now", new Callable("strftime_now", (args, _) => Strftime(now(), Values.Str(args.FirstOrDefault()))));
    }

    /// <summary>Python's strftime for the directives templates use, in the invariant (C) locale.</summary>
    public static string Strftime(DateTimeOffset t, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                text.Append(format[i]);
                continue;
            }
            var d = format[++i];
            text.Append(d switch
            {
                'Y' => t.Year.ToString("0000", c),
                'y' => (t.Year % 100).ToString("00", c),
                'm' => t.Month.ToString("00", c),
                'd' => t.Day.ToString("00", c),
                'e' => t.Day.ToString(c).PadLeft(2),
                'H' => t.Hour.ToString("00", c),
                'I' => ((t.Hour + 11) % 12 + 1).ToString("00", c),
                'M' => t.Minute.ToString("00", c),
                'S' => t.Second.ToString("00", c),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'B' => t.ToString("MMMM", c),
                'b' or 'h' => t.ToString("MMM", c),
                'A' => t.ToString("dddd", c),
                'a' => t.ToString("ddd", c),
                'j' => t.DayOfYear.ToString("000", c),
                'z' => (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.ToString("hhmm", c),
                'Z' => t.Offset == TimeSpan.Zero ? "UTC" : "",
                '%' => "%",
                _ => "%" + d,
            });
        }
        return text.ToString();
    }
}
