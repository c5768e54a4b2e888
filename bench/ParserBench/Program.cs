using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;

// Parse throughput of each tool-call family on a 4 KB output holding two calls: one-shot, and
// streamed in 4-character chunks (reported per chunk), against a plain string.IndexOf scan of the
// whole text (for a character it does not hold) in the same run.
// Usage: dotnet run -c Release --project bench/ParserBench [-- --filter *hermes*]
BenchmarkSwitcher.FromTypes([typeof(ToolCallParserBenchmark)]).Run(args.Length > 0 ? args : ["--filter", "*"]);

[ShortRunJob]
[MemoryDiagnoser]
public class ToolCallParserBenchmark
{
    public const int Length = 4096;
    public const int ChunkSize = 4;

    /// <summary>Every family, or those in DYNAMO_PARSER_FAMILIES (comma-separated).</summary>
    public static IEnumerable<string> Families => Environment.GetEnvironmentVariable("DYNAMO_PARSER_FAMILIES")?.Split(',') ??
        ["hermes", "llama3_json", "mistral", "pythonic", "phi4_mini_json", "jamba", "deepseek_v3", "deepseek_v3_1", "deepseek_v3_2", "deepseek_v4", "qwen3_coder",
         "kimi_k2", "harmony", "granite", "internlm", "glm47", "minimax_m2", "nemotron_deci", "gemma4", "default"];

    [ParamsSource(nameof(Families))]
    public string Family { get; set; } = "";

    private IToolCallParser _parser = null!;
    private string _text = "";
    private string[] _chunks = [];

    [GlobalSetup]
    public void Setup()
    {
        var factory = typeof(Dynamo.Parsers.ToolCalls.Streaming.ToolCallAccumulator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IComponentFactory<IToolCallParser>).IsAssignableFrom(t))
            .Select(t => (IComponentFactory<IToolCallParser>)Activator.CreateInstance(t)!)
            .Single(f => f.Name == Family);
        _parser = factory.Create(new ComponentContext("bench", Family, new ConfigurationBuilder().Build(), null!));
        _text = Output(Family);
        _chunks = Enumerable.Range(0, Length / ChunkSize).Select(i => _text.Substring(i * ChunkSize, ChunkSize)).ToArray();
        var check = _parser.Parse(_text, []);
        if (check.ToolCalls.Count != 2)
            throw new InvalidOperationException($"{Family}: expected two calls, got {check.ToolCalls.Count}");
    }

    [Benchmark(Baseline = true)]
    public int IndexOfScan() => _text.IndexOf('\u0001');

    [Benchmark]
    public int OneShot() => _parser.Parse(_text, []).ToolCalls.Count;

    [Benchmark(OperationsPerInvoke = Length / ChunkSize)]
    public int StreamedPerChunk()
    {
        var stream = _parser.CreateStreamParser([]);
        var calls = 0;
        foreach (var chunk in _chunks)
            calls += stream.Push(chunk).Calls.Count;
        return calls + stream.Finish().Calls.Count;
    }

    /// <summary>Prose, then two calls in the family's markup (arguments padded), exactly <see cref="Length"/> characters.</summary>
    private static string Output(string family)
    {
        static string Args(string filler) => $"{{\"city\": \"Paris\", \"note\": \"{filler}\", \"days\": 3}}";
        string Make(Func<string, string> markup, bool prose = true)
        {
            var bare = markup("");
            var room = Length - bare.Length;
            var proseLength = prose ? room * 3 / 4 : 0;
            var filler = new string('x', (room - proseLength) / 2);
            var text = markup(filler);
            var words = new StringBuilder();
            while (words.Length < Length - text.Length)
                words.Append(prose ? "The weather service is queried for each city the user named. " : " ");
            return words.ToString()[..(Length - text.Length)] + text;
        }
        return family switch
        {
            "hermes" => Make(f => $"<tool_call>\n{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}\n</tool_call>\n<tool_call>\n{{\"name\": \"get_time\", \"arguments\": {Args(f)}}}\n</tool_call>"),
            "llama3_json" => Make(f => $"<|python_tag|>{{\"name\": \"get_weather\", \"parameters\": {Args(f)}}}; {{\"name\": \"get_time\", \"parameters\": {Args(f)}}}"),
            "mistral" => Make(f => $"[TOOL_CALLS][{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]"),
            "pythonic" => Make(f => $"[get_weather(city=\"Paris\", note=\"{f}\", days=3), get_time(city=\"Paris\", note=\"{f}\", days=3)]", prose: false),
            "phi4_mini_json" => Make(f => $"functools[{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]"),
            "jamba" => Make(f => $"<tool_calls>[{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]</tool_calls>"),
            "deepseek_v3" => Make(f => $"<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{Args(f)}\n```<｜tool▁call▁end｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n```json\n{Args(f)}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>"),
            "deepseek_v3_1" => Make(f => $"<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{Args(f)}<｜tool▁call▁end｜><｜tool▁call▁begin｜>get_time<｜tool▁sep｜>{Args(f)}<｜tool▁call▁end｜><｜tool▁calls▁end｜>"),
            "qwen3_coder" => Make(f => $"<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=note>\n{f}\n</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=get_time>\n<parameter=city>\nParis\n</parameter>\n<parameter=note>\n{f}\n</parameter>\n</function>\n</tool_call>"),
            "kimi_k2" => Make(f => $"<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{Args(f)}<|tool_call_end|><|tool_call_begin|>functions.get_time:1<|tool_call_argument_begin|>{Args(f)}<|tool_call_end|><|tool_calls_section_end|>"),
            "granite" => Make(f => $"<|tool_call|>[{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]"),
            "internlm" => Make(f => $"<|action_start|><|plugin|>{{\"name\": \"get_weather\", \"parameters\": {Args(f)}}}<|action_end|><|action_start|><|plugin|>{{\"name\": \"get_time\", \"parameters\": {Args(f)}}}<|action_end|>"),
            "glm47" => Make(f => $"<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>note</arg_key>\n<arg_value>{f}</arg_value>\n</tool_call><tool_call>get_time\n<arg_key>note</arg_key>\n<arg_value>{f}</arg_value>\n</tool_call>"),
            "minimax_m2" => Make(f => $"<minimax:tool_call>\n<invoke name=\"get_weather\">\n<parameter name=\"note\">{f}</parameter>\n</invoke>\n<invoke name=\"get_time\">\n<parameter name=\"note\">{f}</parameter>\n</invoke>\n</minimax:tool_call>"),
            "harmony" => Make(f => $"<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{Args(f)}<|call|><|channel|>commentary to=functions.get_time <|constrain|>json<|message|>{Args(f)}<|call|>"),
            "deepseek_v3_2" or "deepseek_v4" => Make(f =>
            {
                var block = family == "deepseek_v4" ? "tool_calls" : "function_calls";
                string Invoke(string name) => $"<｜DSML｜invoke name=\"{name}\">\n<｜DSML｜parameter name=\"city\" string=\"true\">Paris</｜DSML｜parameter>\n<｜DSML｜parameter name=\"note\" string=\"true\">{f}</｜DSML｜parameter>\n<｜DSML｜parameter name=\"days\" string=\"false\">3</｜DSML｜parameter>\n</｜DSML｜invoke>\n";
                return $"<｜DSML｜{block}>\n{Invoke("get_weather")}{Invoke("get_time")}</｜DSML｜{block}>";
            }),
            "nemotron_deci" => Make(f => $"<TOOLCALL>[{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]</TOOLCALL>"),
            "default" => Make(f => $"<TOOLCALL>[{{\"name\": \"get_weather\", \"arguments\": {Args(f)}}}, {{\"name\": \"get_time\", \"arguments\": {Args(f)}}}]</TOOLCALL>"),
            "gemma4" => Make(f => $"<|tool_call>call:get_weather{{city:<|\"|>Paris<|\"|>,note:<|\"|>{f}<|\"|>,days:3}}<tool_call|><|tool_call>call:get_time{{city:<|\"|>Paris<|\"|>,note:<|\"|>{f}<|\"|>,days:3}}<tool_call|>"),
            _ => throw new ArgumentException(family),
        };
    }
}
