#!/usr/bin/env python3
"""Renders every shared chat template over cases.json with Python's jinja2 configured as Hugging
Face's apply_chat_template configures it, and writes expected.json (the fixtures the C# tests
compare with byte for byte). Run it where jinja2 is installed; CI only reads expected.json.

    python3 generate.py ../../../../../../shared/templates

Variables are built from each OpenAI-style case exactly as the jinja plugin builds them:
message fields in the order role, content, reasoning_content, thinking, tool_plan, tool_calls,
tool_call_id, name (absent ones omitted, content always present and "" when null, text parts
joined with newlines); an assistant's reasoning_content is also its `thinking` (what gpt-oss's template
shows) and, on a message with tool calls, its `tool_plan` (Command R7B's), as llama.cpp passes
them; tools as given (None when the case has none), bos/eos '<s>'/'</s>', and strftime_now at a
fixed instant.

Tool-call arguments: OpenAI sends them as JSON text. They are parsed into objects, as vLLM
passes them (templates print them with tojson or walk their items), except for a template that
concatenates them with `+` (an `x.arguments` or `x['arguments']` operand of `+`, e.g. DeepSeek
V3.1 and R1): that template was written for the wire form and gets the text as the client sent
it, as apply_chat_template renders an OpenAI message, where objects would raise
"can only concatenate str (not "dict") to str". Text that is not JSON stays text either way.
"""
import json, os, sys
from datetime import datetime
import jinja2, jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import Extension
from jinja2 import nodes

NOW = datetime(2026, 1, 15, 10, 30, 0)

class Generation(Extension):
    # Hugging Face's AssistantTracker: {% generation %}…{% endgeneration %} renders its body.
    tags = {"generation"}
    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)
    def _render(self, caller):
        return caller()

class Raised(Exception):
    pass

def raise_exception(message):
    raise Raised(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda f: NOW.strftime(f)

def arguments_concatenated(template):
    # an `x.arguments` / `x['arguments']` operand of `+`: the template wants the JSON text
    def is_arguments(n):
        return (isinstance(n, nodes.Getattr) and n.attr == "arguments") or \
               (isinstance(n, nodes.Getitem) and isinstance(n.arg, nodes.Const) and n.arg.value == "arguments")
    return any(is_arguments(a.left) or is_arguments(a.right) for a in env.parse(template).find_all(nodes.Add))

def arguments(text, as_text):
    if as_text:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text   # not JSON: stays text

def text(content):
    if content is None:
        return ""   # no content (an assistant turn of only tool calls) is empty text, as vLLM passes it: templates test it as a string
    return "\n".join(p["text"] for p in content) if isinstance(content, list) else content   # text parts joined, as the server passes them

def message(m, arguments_as_text):
    out = {"role": m["role"], "content": text(m.get("content"))}
    reasoning = m.get("reasoning_content")
    if reasoning is not None:
        out["reasoning_content"] = reasoning
        if m["role"] == "assistant":
            out["thinking"] = reasoning
            if m.get("tool_calls"):
                out["tool_plan"] = reasoning
    if m.get("tool_calls"):
        out["tool_calls"] = [{"id": c["id"], "type": "function", "function": {"name": c["function"]["name"], "arguments": arguments(c["function"]["arguments"], arguments_as_text)}} for c in m["tool_calls"]]
    if m.get("tool_call_id") is not None:
        out["tool_call_id"] = m["tool_call_id"]
    if m.get("name") is not None:
        out["name"] = m["name"]
    return out

def main(folder):
    here = os.path.dirname(os.path.abspath(__file__))
    cases = json.load(open(os.path.join(here, "cases.json"), encoding="utf-8"))
    expected = {}
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".jinja")):
        source = open(os.path.join(folder, name), encoding="utf-8", newline=None).read()
        template, as_text = env.from_string(source), arguments_concatenated(source)
        for case in cases:
            variables = dict(case.get("chat_template_kwargs", {}))
            variables.update(messages=[message(m, as_text) for m in case["messages"]], tools=case.get("tools"),
                             add_generation_prompt=case.get("add_generation_prompt", True), bos_token="<s>", eos_token="</s>")
            try:
                result = {"prompt": template.render(**variables)}
            except Raised as e:
                result = {"raised": str(e)}   # the template's own refusal: the message must match
            except Exception as e:
                result = {"error": f"{type(e).__name__}: {e}"}   # a failure: the renderer must fail too
            expected[f"{name}|{case['id']}"] = result
    with open(os.path.join(here, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(expected)} renders, {sum('raised' in r for r in expected.values())} refusals, {sum('error' in r for r in expected.values())} failures")

if __name__ == "__main__":
    main(sys.argv[1])
