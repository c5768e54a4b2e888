using System.Text.Json;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Parsers.Tests;

/// <summary>One input of a family and what it must give: content and calls (name, arguments exactly as written).</summary>
public sealed record ToolCallCase(string Family, string Name, string Text, string? Content, params (string Name, string Arguments)[] Calls)
{
    public override string ToString() => $"{Family}: {Name}";
}

/// <summary>The case tables, written from each family's format, tricky ones included.</summary>
public static class ToolCallCases
{
    public static readonly IReadOnlyList<ToolDefinition> WeatherTools =
    [
        new("get_weather", "Weather", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"detail":{"type":"object"},"metric":{"type":"boolean"},"ratio":{"type":"number"}}}""").RootElement),
    ];

    public static readonly ToolCallCase[] All =
    [
        new("hermes", "text before, one call", "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 3}}\n</tool_call>",
            "Let me check.\n", ("get_weather", "{\"city\": \"Paris\", \"days\": 3}")),
        new("hermes", "two calls, braces and quotes in strings", "<tool_call>{\"name\":\"a\",\"arguments\":{}}</tool_call>\n<tool_call>{\"name\":\"b\",\"arguments\":{\"x\":\"}{\\\"]\"}}</tool_call>",
            null, ("a", "{}"), ("b", "{\"x\":\"}{\\\"]\"}")),
        new("hermes", "text after and unicode", "<tool_call>{\"name\":\"a\",\"arguments\":{\"k\":\"é 🎉\"}}</tool_call> Done.", " Done.", ("a", "{\"k\":\"é 🎉\"}")),
        new("hermes", "end tag never came", "<tool_call>{\"name\":\"a\",\"arguments\":{\"q\":1}}", null, ("a", "{\"q\":1}")),
        new("hermes", "cut before the name: dropped", "Hi <tool_call>{\"na", "Hi "),
        new("hermes", "cut inside the arguments: dropped", "<tool_call>{\"name\":\"a\",\"arguments\":{\"q\":", null),
        new("hermes", "no name: the wrapper is dropped", "A<tool_call>{\"arguments\": {}}</tool_call>B", "AB"),
        new("hermes", "a brace missing: no call, the text stays", "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}</tool_call>", "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}</tool_call>"),
        new("hermes", "arguments a string that is no JSON stay that string", "<tool_call>{\"name\": \"f\", \"arguments\": \"hello\"}</tool_call>", null, ("f", "\"hello\"")),
        new("hermes", "not JSON", "<tool_call>not json</tool_call> ok", "<tool_call>not json</tool_call> ok"),
        new("hermes", "nested", "<tool_call>{\"name\": \"run\", \"arguments\": {\"code\": \"if (a) { b(\\\"}\\\"); }\", \"opts\": {\"deep\": [1, {\"x\": null}]}}}</tool_call>",
            null, ("run", "{\"code\": \"if (a) { b(\\\"}\\\"); }\", \"opts\": {\"deep\": [1, {\"x\": null}]}}")),
        new("hermes", "no arguments", "<tool_call>{\"name\": \"now\"}</tool_call>", null, ("now", "{}")),
        new("hermes", "arguments as a JSON string", "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>", null, ("f", "{\"a\": 1}")),
        new("hermes", "no call at all", "Just <b>text</b> with <tool_ and more.", "Just <b>text</b> with <tool_ and more."),

        new("llama3_json", "bare JSON", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"SF\"}}", null, ("get_weather", "{\"city\": \"SF\"}")),
        new("llama3_json", "python tag, two calls", "<|python_tag|>{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"arguments\": {\"x\": 1}}", null, ("a", "{}"), ("b", "{\"x\": 1}")),
        new("llama3_json", "braces later in text", "The set {1, 2} is small.", "The set {1, 2} is small."),
        new("llama3_json", "JSON that is no call", "{\"answer\": 42}", "{\"answer\": 42}"),
        new("llama3_json", "leading whitespace", "  \n{\"name\": \"a\", \"parameters\": {\"k\": \"v\"}}", "  \n", ("a", "{\"k\": \"v\"}")),

        new("mistral", "JSON array", "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}, {\"name\": \"b\", \"arguments\": {}}]",
            null, ("get_weather", "{\"city\": \"Paris\"}"), ("b", "{}")),
        new("mistral", "name then JSON", "[TOOL_CALLS]get_weather{\"city\": \"Paris\"}", null, ("get_weather", "{\"city\": \"Paris\"}")),
        new("mistral", "name [ARGS] JSON, twice", "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]get_time[ARGS]{}", null, ("get_weather", "{\"city\": \"Paris\"}"), ("get_time", "{}")),
        new("mistral", "text before", "Sure. [TOOL_CALLS]f{\"a\": \"b\"}", "Sure. ", ("f", "{\"a\": \"b\"}")),
        new("mistral", "one call object", "[TOOL_CALLS]{\"name\": \"f\", \"arguments\": {\"a\": 1}}", null, ("f", "{\"a\": 1}")),
        new("mistral", "wrapped in [/TOOL_CALLS]", "[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}}][/TOOL_CALLS]", null, ("f", "{}")),
        new("mistral", "a marker then text: the marker goes, the text stays", "[TOOL_CALLS] I cannot call a tool here.", " I cannot call a tool here."),
        new("mistral", "a bare array after text", "Calling: [{\"name\": \"f\", \"arguments\": {\"a\": 1}}]", "Calling: ", ("f", "{\"a\": 1}")),

        new("pythonic", "two calls", "[get_weather(city=\"SF\", days=3), get_time()]", null, ("get_weather", "{\"city\":\"SF\",\"days\":3}"), ("get_time", "{}")),
        new("pythonic", "python literals", "[f(a=True, b=None, c=[1, 2.5], d={'k': 'v'}, e='it\\'s', g=(1, 'x'))]", null, ("f", "{\"a\":true,\"b\":null,\"c\":[1,2.5],\"d\":{\"k\":\"v\"},\"e\":\"it's\",\"g\":[1,\"x\"]}")),
        new("pythonic", "a list that is no call", "[1] is a citation.", "[1] is a citation."),

        new("phi4_mini_json", "functools", "functools[{\"name\": \"a\", \"arguments\": {\"x\": 1}}]", null, ("a", "{\"x\": 1}")),
        new("phi4_mini_json", "functools and one object", "functools{\"name\": \"a\", \"arguments\": {\"x\": 1}}", null, ("a", "{\"x\": 1}")),
        new("jamba", "tool_calls tags", "Ok <tool_calls>[{\"name\": \"a\", \"arguments\": {\"x\": 1}}, {\"name\": \"b\", \"arguments\": {}}]</tool_calls>", "Ok ", ("a", "{\"x\": 1}"), ("b", "{}")),

        new("deepseek_v3", "fenced JSON", "Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            "Checking.", ("get_weather", "{\"city\": \"Paris\"}")),
        new("deepseek_v3_1", "two calls", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁call▁begin｜>get_time<｜tool▁sep｜>{}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            null, ("get_weather", "{\"city\": \"Paris\"}"), ("get_time", "{}")),
        new("kimi_k2", "native ids", "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|><|tool_call_begin|>functions.get_time:1<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>",
            null, ("get_weather", "{\"city\": \"Paris\"}"), ("get_time", "{}")),
        new("deepseek_v3", "JSON not valid: the whole text stays", "Hi <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            "Hi <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>"),
        new("deepseek_v3", "no fence; text after the calls dropped", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜> Done.<｜end▁of▁sentence｜>",
            null, ("get_weather", "{\"city\": \"Paris\"}")),
        new("deepseek_v3_1", "section end never came", "Ok <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\": 1}<｜tool▁call▁end｜>", "Ok ", ("f", "{\"a\": 1}")),
        new("deepseek_v3_1", "end token inside an unterminated string", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\": \"b<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\": \"b<｜tool▁call▁end｜><｜tool▁calls▁end｜>"),
        new("deepseek_v3_1", "cut inside the JSON", "Ok <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>f<｜tool▁sep｜>{\"a\": \"b", "Ok "),
        new("deepseek_v3_1", "a name and no JSON", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>now<｜tool▁call▁end｜><｜tool▁calls▁end｜>", null),
        new("kimi_k2", "multi-line JSON, text around", "Sure. <|tool_calls_section_begin|>\n<|tool_call_begin|>functions.get_weather:0 <|tool_call_argument_begin|>{\n  \"city\": \"Paris\",\n  \"days\": 3\n}\n<|tool_call_end|>\n<|tool_calls_section_end|> Done.",
            "Sure.  Done.", ("get_weather", "{\n  \"city\": \"Paris\",\n  \"days\": 3\n}")),
        new("kimi_k2", "noise skipped, JSON not valid passed on, id not NAME:IDX skipped", "<|tool_call_section_begin|> noise <|tool_call_begin|>functions.a:0<|tool_call_argument_begin|>{\"x\": 1<|tool_call_end|><|tool_call_begin|>functions.b.1<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_call_section_end|>",
            null, ("a", "{\"x\": 1")),
        new("kimi_k2", "bare counter: the only tool", "<|tool_calls_section_begin|><|tool_call_begin|>0<|tool_call_argument_begin|>{\"city\": \"Rome\"}<|tool_call_end|><|tool_calls_section_end|>",
            null, ("get_weather", "{\"city\": \"Rome\"}")),
        new("kimi_k2", "stray token dropped; cut inside the JSON is no call", "a<|tool_calls_section_end|>b <|tool_calls_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{\"x\": ", "ab "),
        new("kimi_k2", "a lone call token in prose", "I print <|tool_call_begin|> as is.", "I print  as is."),
        new("qwen3_coder", "typed by the schema", "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis, \"FR\"\n</parameter>\n<parameter=days>\n3\n</parameter>\n<parameter=detail>\n{\"a\": [1]}\n</parameter>\n<parameter=metric>\ntrue\n</parameter>\n<parameter=note>\n42\n</parameter>\n</function>\n</tool_call>",
            null, ("get_weather", "{\"city\": \"Paris, \\\"FR\\\"\", \"days\": 3, \"detail\": {\"a\": [1]}, \"metric\": true, \"note\": \"42\"}")),
        new("qwen3_coder", "cut short", "Text <tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=days>\n3",
            "Text ", ("get_weather", "{\"city\": \"Paris\", \"days\": 3}")),
        new("granite", "tool_call token", "<|tool_call|>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]", null, ("get_weather", "{\"city\": \"Paris\"}")),
        new("internlm", "action plugin", "Let me see.<|action_start|><|plugin|>\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|action_end|>", "Let me see.", ("get_weather", "{\"city\": \"Paris\"}")),
        new("glm47", "arg keys and values", "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n</tool_call><tool_call>get_time</tool_call>",
            null, ("get_weather", "{\"city\": \"Paris\", \"days\": 3}"), ("get_time", "{}")),
        new("minimax_m2", "invokes", "Ok.<minimax:tool_call>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n<parameter name=\"metric\">true</parameter>\n</invoke>\n<invoke name=\"get_time\">\n</invoke>\n</minimax:tool_call>",
            "Ok.", ("get_weather", "{\"city\": \"Paris\", \"metric\": true}"), ("get_time", "{}")),
        new("harmony", "commentary to a function", "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"SF\"}<|call|>", null, ("get_weather", "{\"city\": \"SF\"}")),
        new("harmony", "a whole conversation: analysis dropped, final is content, no framing leaks",
            "<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"SF\"}<|call|><|start|>assistant<|channel|>final<|message|>Checking.<|return|>",
            "Checking.", ("get_weather", "{\"city\": \"SF\"}")),
        new("harmony", "a built-in tool is no function call", "<|channel|>analysis to=browser.search <|constrain|>json<|message|>{\"query\": \"x\"}<|call|>Done.", "Done."),
        new("harmony", "a call never ended by <|call|> is none", "<|channel|>commentary to=functions.f <|constrain|>json<|message|>{\"a\": 1}<|end|>", null),
        new("qwen3_coder", "HTML entities unescaped, without the wrapper", "<function=get_weather>\n<parameter=city>\nA &amp; B &lt;1&gt;\n</parameter>\n</function>", null, ("get_weather", "{\"city\": \"A & B <1>\"}")),
        new("llama3_json", "a call after text", "Here you go: {\"name\": \"f\", \"parameters\": {\"a\": 1}}", "Here you go: ", ("f", "{\"a\": 1}")),
        new("llama3_json", "JSON that breaks stays text", "{\"name\": \"f\", \"parameters\": {bad}", "{\"name\": \"f\", \"parameters\": {bad}"),
        new("llama3_json", "a name but no arguments is text", "{\"name\": \"f\"}", "{\"name\": \"f\"}"),
        new("kimi_k2", "the singular section spelling, multi-line JSON", "<|tool_call_section_begin|><|tool_call_begin|>functions.f:0<|tool_call_argument_begin|>{\n  \"a\": 1\n}<|tool_call_end|><|tool_call_section_end|>", null, ("f", "{\n  \"a\": 1\n}")),

        new("gemma4", "quoted string with commas, colons and braces; text around", "Sure. <|tool_call>call:get_weather{city:<|\"|>Paris, FR: {1}<|\"|>,days:3}<tool_call|> Done.",
            "Sure.  Done.", ("get_weather", "{\"city\":\"Paris, FR: {1}\",\"days\":3}")),
        new("gemma4", "nested objects and arrays, int against float", "<|tool_call>call:f{cfg:{pool:{min:5,ratio:0.50}},tags:[<|\"|>a,b<|\"|>,[]],n:-007,x:2.0}<tool_call|>",
            null, ("f", "{\"cfg\":{\"pool\":{\"min\":5,\"ratio\":0.50}},\"tags\":[\"a,b\",[]],\"n\":-7,\"x\":2.0}")),
        new("gemma4", "null aliases, booleans in any case, empty value", "<|tool_call>call:f{a:None,b:NIL,c:null,d:TRUE,e:False,g:}<tool_call|>",
            null, ("f", "{\"a\":null,\"b\":null,\"c\":null,\"d\":true,\"e\":false,\"g\":\"\"}")),
        new("gemma4", "two calls, text between", "Both: <|tool_call>call:a{x:1}<tool_call|> then <|tool_call>call:b.c-d{}<tool_call|>", "Both:  then ", ("a", "{\"x\":1}"), ("b.c-d", "{}")),
        new("gemma4", "end marker inside a string", "<|tool_call>call:f{s:<|\"|>a}b<tool_call|>c<|\"|>}<tool_call|>", null, ("f", "{\"s\":\"a}b<tool_call|>c\"}")),
        new("gemma4", "HTML, quotes and a newline verbatim", "<|tool_call>call:f{html:<|\"|><a href=\"x\">é</a>\n<|\"|>}<tool_call|>", null, ("f", "{\"html\":\"<a href=\\\"x\\\">é</a>\\n\"}")),
        new("gemma4", "end marker never came, body whole", "Ok <|tool_call>call:f{x:<|\"|>y<|\"|>}", "Ok ", ("f", "{\"x\":\"y\"}")),
        new("gemma4", "cut off inside a value", "Ok <|tool_call>call:f{x:<|\"|>y", "Ok "),
        new("gemma4", "no braces is no call", "<|tool_call>call:get_time<tool_call|> ok", "<|tool_call>call:get_time<tool_call|> ok"),
        new("gemma4", "unreadable arguments", "<|tool_call>call:f{x:nullable}<tool_call|>", null, ("f", "{}")),
        new("gemma4", "call: in prose", "Please call: 555 or call:me later.", "Please call: 555 or call:me later."),
        new("gemma4", "opener missing, end marker there", "call:f{x:1}<tool_call|>", null, ("f", "{\"x\":1}")),
        new("jamba", "a single object, close tag never came", "<tool_calls>{\"name\": \"a\", \"arguments\": {\"x\": 1}}", null, ("a", "{\"x\": 1}")),
        new("jamba", "text after dropped, a second wrapper still read", "Ok <tool_calls>[{\"name\": \"a\", \"arguments\": {}}]</tool_calls> then <tool_calls>[{\"name\": \"b\", \"arguments\": {}}]</tool_calls> bye",
            "Ok ", ("a", "{}"), ("b", "{}")),
        new("jamba", "no call list in the wrapper: dropped", "Hm <tool_calls>not json</tool_calls> ok", "Hm  ok"),
        new("jamba", "cut inside a value: closed", "<tool_calls>[{\"name\": \"a\", \"arguments\": {\"q\": \"Paris", null, ("a", "{\"q\": \"Paris\"}")),
        new("jamba", "cut inside a key: the text stays", "<tool_calls>[{\"name\": \"a\", \"arguments\": {\"q", "<tool_calls>[{\"name\": \"a\", \"arguments\": {\"q"),
        new("jamba", "JSON that breaks after the name: no call", "<tool_calls>[{\"name\": \"a\", \"arguments\": {\"q\": 1]</tool_calls>", null),
        new("jamba", "close tag without its opener", "[1]</tool_calls>", "[1]"),
        new("pythonic", "text before; text and a second list after are dropped", "Sure. [get_weather(city='SF')] Then [get_time()]", "Sure. ", ("get_weather", "{\"city\":\"SF\"}")),
        new("pythonic", "unconvertible sibling skipped, positional argument left out", "[f(x=b'z'), g('pos', y=[1, {'k': None}])]", null, ("g", "{\"y\":[1,{\"k\":null}]}")),
        new("pythonic", "python tags", "<|python_start|>[get_time()]<|python_end|>", null, ("get_time", "{}")),
        new("pythonic", "mismatched brackets are text", "[f(x=1])]", "[f(x=1])]"),
        new("phi4_mini_json", "functools then a block that is no call: dropped", "functools{invalid json} ok", " ok"),
        new("phi4_mini_json", "the module name is text", "from functools import partial", "from functools import partial"),
        new("internlm", "a tool the request does not offer", "<|action_start|><|plugin|>{\"name\": \"delete_all\", \"parameters\": {}}<|action_end|>", null),
        new("granite", "multi-line JSON after <tool_call>", "<tool_call>\n[\n  {\n    \"name\": \"get_weather\",\n    \"arguments\": {\"city\": \"Paris\"}\n  }\n]", null, ("get_weather", "{\"city\": \"Paris\"}")),
        new("granite", "JSON that breaks after the name: no call, the text stays", "<|tool_call|>[{\"name\": \"f\", \"arguments\": {\"a\": 1]", "<|tool_call|>[{\"name\": \"f\", \"arguments\": {\"a\": 1]"),
    ];
}
