#!/usr/bin/env python3
"""Renders every shared chat template over cases.json with Python's jinja2 configured as Hugging
Face's apply_chat_template configures it, and writes expected.json (the fixtures the C# tests
compare with byte for byte). Run it where jinja2 is installed; CI only reads expected.json.

    python3 generate.py ../../../../../../shared/templates

Variables are built from each OpenAI-style case exactly as the jinja plugin builds them:
message fields in the order role, content, reasoning_content, tool_calls, tool_call_id, name
(absent ones omitted, content always present, text parts joined with newlines), tool-call arguments parsed from their JSON text
into objects, tools as given (None when the case has none), bos/eos '<s>'/'</s>', and
strftime_now at a fixed instant.
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

def message(m):
    content = m.get("content")
    if isinstance(content, list):
        content = "\n".join(p["text"] for p in content)   # text parts joined, as the server passes them
    out = {"role": m["role"], "content": content}
    if m.get("reasoning_content") is not None:
        out["reasoning_content"] = m["reasoning_content"]
    if m.get("tool_calls"):
        out["tool_calls"] = [{"id": c["id"], "type": "function", "function": {"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])}} for c in m["tool_calls"]]
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
        template = env.from_string(open(os.path.join(folder, name), encoding="utf-8", newline=None).read())
        for case in cases:
            variables = dict(case.get("chat_template_kwargs", {}))
            variables.update(messages=[message(m) for m in case["messages"]], tools=case.get("tools"),
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
