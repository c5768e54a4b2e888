#!/usr/bin/env python3
"""Writes bench/schemas.jsonl: real-world-style JSON Schemas for the grammar benchmark and tests (over 200).

Hand-written shapes of what structured-output and tool-calling users send: extraction records,
API payloads, nested objects, arrays of objects, enums, $refs (recursive too), patterns, formats,
bounds, unions, and tool definitions' parameters. Deterministic: run it again and nothing changes.

    python3 tools/schemas/generate.py > bench/schemas.jsonl
"""
import json

S = lambda **kw: {"type": "string", **kw}
I = lambda **kw: {"type": "integer", **kw}
N = lambda **kw: {"type": "number", **kw}
B = {"type": "boolean"}


def obj(props, required=None, extra=None, **kw):
    schema = {"type": "object", "properties": props, **kw}
    if required is not None:
        schema["required"] = required
    if extra is not None:
        schema["additionalProperties"] = extra
    return schema


def arr(items, **kw):
    return {"type": "array", "items": items, **kw}


def enum(*values):
    return {"enum": list(values)}


schemas = []


def add(name, schema, kind="data"):
    schemas.append({"name": name, "kind": kind, "schema": schema})


# --- Extraction and API records -------------------------------------------------------------
add("person", obj({"name": S(), "age": I(minimum=0, maximum=150), "email": S(format="email")}, ["name", "age"]))
add("person_strict", obj({"first_name": S(minLength=1, maxLength=40), "last_name": S(minLength=1, maxLength=40),
                          "birth_date": S(format="date"), "nationality": S()}, ["first_name", "last_name"], False))
add("address", obj({"street": S(), "city": S(), "postal_code": S(pattern="^[0-9]{5}(-[0-9]{4})?$"),
                    "country": enum("US", "CA", "MX", "FR", "DE", "JP")}, ["street", "city", "country"], False))
add("contact_card", obj({"person": {"$ref": "#/$defs/person"}, "addresses": arr({"$ref": "#/$defs/address"}, maxItems=3),
                         "phone": S(pattern="^\\+?[0-9 ()-]{7,20}$")}, ["person"],
                        **{"$defs": {"person": obj({"name": S(), "title": S()}, ["name"]),
                                     "address": obj({"city": S(), "zip": S()}, ["city"])}}))
add("invoice", obj({"invoice_id": S(pattern="^INV-[0-9]{6}$"), "date": S(format="date"),
                    "items": arr(obj({"description": S(), "quantity": I(minimum=1), "unit_price": N(minimum=0)},
                                     ["description", "quantity", "unit_price"]), minItems=1),
                    "currency": enum("USD", "EUR", "GBP"), "total": N(minimum=0), "paid": B},
                   ["invoice_id", "items", "total"]))
add("order_status", obj({"order_id": S(format="uuid"), "status": enum("pending", "shipped", "delivered", "cancelled"),
                         "updated_at": S(format="date-time"), "tracking": {"type": ["string", "null"]}}, ["order_id", "status"]))
add("product", obj({"sku": S(pattern="^[A-Z]{3}-[0-9]{4}$"), "name": S(maxLength=80), "price": N(exclusiveMinimum=0),
                    "tags": arr(S(), maxItems=5), "dimensions": obj({"width": N(minimum=0), "height": N(minimum=0),
                                                                       "unit": enum("cm", "in")}, ["width", "height"]),
                    "in_stock": B}, ["sku", "name", "price"]))
add("catalog", arr({"$ref": "#/$defs/product"}, maxItems=4,
                   **{"$defs": {"product": obj({"id": I(), "title": S(), "price": N(minimum=0, maximum=10000)}, ["id", "title"])}}))
add("event", obj({"title": S(), "start": S(format="date-time"), "end": S(format="date-time"),
                  "location": S(), "attendees": arr(S(format="email"), maxItems=6), "all_day": B}, ["title", "start"]))
add("meeting_notes", obj({"date": S(format="date"), "summary": S(maxLength=300), "decisions": arr(S()),
                          "action_items": arr(obj({"owner": S(), "task": S(), "due": S(format="date")}, ["owner", "task"]))},
                         ["summary"]))
add("recipe", obj({"title": S(), "servings": I(minimum=1, maximum=20), "prep_minutes": I(minimum=0),
                   "ingredients": arr(obj({"name": S(), "quantity": N(exclusiveMinimum=0), "unit": enum("g", "kg", "ml", "l", "cup", "tbsp", "tsp", "piece")},
                                          ["name", "quantity"]), minItems=1),
                   "steps": arr(S(), minItems=1)}, ["title", "ingredients", "steps"]))
add("movie_review", obj({"title": S(), "year": I(minimum=1888, maximum=2100), "rating": I(minimum=1, maximum=10),
                         "sentiment": enum("positive", "neutral", "negative"), "pros": arr(S()), "cons": arr(S())},
                        ["title", "rating", "sentiment"]))
add("sentiment", obj({"label": enum("positive", "negative", "neutral", "mixed"), "confidence": N(minimum=0, maximum=1)},
                     ["label", "confidence"], False))
add("classification", obj({"category": enum("billing", "technical", "account", "other"),
                           "priority": enum("low", "medium", "high", "urgent"), "needs_human": B}, ["category", "priority"], False))
add("entities", obj({"entities": arr(obj({"text": S(), "type": enum("PERSON", "ORG", "LOCATION", "DATE", "MONEY"),
                                          "start": I(minimum=0), "end": I(minimum=0)}, ["text", "type"]))}, ["entities"]))
add("resume", obj({"name": S(), "email": S(format="email"), "skills": arr(S(), maxItems=10),
                   "experience": arr(obj({"company": S(), "role": S(), "from": S(format="date"), "to": {"type": ["string", "null"], "format": "date"}},
                                         ["company", "role", "from"])),
                   "education": arr(obj({"school": S(), "degree": S(), "year": I(minimum=1950, maximum=2030)}, ["school"]))},
                  ["name", "experience"]))
add("log_entry", obj({"timestamp": S(format="date-time"), "level": enum("DEBUG", "INFO", "WARN", "ERROR"),
                      "message": S(maxLength=200), "service": S(pattern="^[a-z][a-z0-9-]{1,30}$"), "request_id": S(format="uuid")},
                     ["timestamp", "level", "message"], False))
add("http_response", obj({"status": I(minimum=100, maximum=599), "headers": obj({}, extra=S()),
                          "body": {"anyOf": [S(), obj({}, extra=True), {"type": "null"}]}}, ["status"]))
add("api_result", {"oneOf": [obj({"ok": {"const": True}, "data": obj({"id": I(), "name": S()}, ["id"])}, ["ok", "data"], False),
                             obj({"ok": {"const": False}, "error": obj({"code": I(), "message": S()}, ["code", "message"])}, ["ok", "error"], False)]})
add("feature_flags", obj({}, extra=B))
add("translations", obj({"source": S(), "translations": obj({}, extra=S())}, ["source", "translations"]))
add("matrix", obj({"rows": I(minimum=1, maximum=4), "values": arr(arr(N(), maxItems=4), maxItems=4)}, ["values"]))
add("geo_point", obj({"type": {"const": "Point"}, "coordinates": {"type": "array", "prefixItems": [N(minimum=-180, maximum=180), N(minimum=-90, maximum=90)],
                                                                    "items": False, "minItems": 2}}, ["type", "coordinates"], False))
add("bounding_box", {"type": "array", "prefixItems": [N(), N(), N(), N()], "items": False, "minItems": 4})
add("color", obj({"name": S(), "hex": S(pattern="^#[0-9a-fA-F]{6}$"), "rgb": {"type": "array", "prefixItems": [I(minimum=0, maximum=255)] * 3, "items": False, "minItems": 3}},
                 ["hex"]))
add("version", obj({"version": S(pattern="^[0-9]+\\.[0-9]+\\.[0-9]+(-[a-z0-9.]+)?$"), "released": S(format="date"), "notes": arr(S())}, ["version"]))
add("ip_allowlist", obj({"entries": arr(obj({"ip": S(format="ipv4"), "comment": S()}, ["ip"]), maxItems=5)}, ["entries"]))
add("link_preview", obj({"url": S(format="uri"), "title": S(maxLength=100), "image": {"type": ["string", "null"], "format": "uri"}}, ["url", "title"]))
add("qa_pair", obj({"question": S(), "answer": S(), "sources": arr(S(format="uri"), maxItems=3)}, ["question", "answer"]))
add("summary", obj({"tl_dr": S(maxLength=140), "key_points": arr(S(), minItems=1, maxItems=5), "reading_time_minutes": I(minimum=1)},
                   ["tl_dr", "key_points"], False))
add("quiz", obj({"questions": arr(obj({"prompt": S(), "choices": arr(S(), minItems=2, maxItems=4), "answer_index": I(minimum=0, maximum=3)},
                                      ["prompt", "choices", "answer_index"]), minItems=1, maxItems=3)}, ["questions"]))
add("weather_report", obj({"city": S(), "temperature_c": N(minimum=-90, maximum=60), "conditions": enum("sunny", "cloudy", "rain", "snow", "storm"),
                           "humidity": I(minimum=0, maximum=100), "wind_kph": N(minimum=0)}, ["city", "temperature_c", "conditions"]))
add("flight", obj({"flight_number": S(pattern="^[A-Z]{2}[0-9]{1,4}$"), "from": S(pattern="^[A-Z]{3}$"), "to": S(pattern="^[A-Z]{3}$"),
                   "departure": S(format="date-time"), "seat": S(pattern="^[0-9]{1,2}[A-F]$")}, ["flight_number", "from", "to", "departure"]))
add("bank_transfer", obj({"iban": S(pattern="^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"), "amount": N(exclusiveMinimum=0, maximum=1000000),
                          "currency": enum("EUR", "USD"), "reference": S(maxLength=35)}, ["iban", "amount", "currency"], False))
add("medication", obj({"drug": S(), "dose_mg": N(exclusiveMinimum=0, maximum=5000), "frequency": enum("once", "twice", "three times", "as needed"),
                       "route": enum("oral", "iv", "topical")}, ["drug", "dose_mg", "frequency"]))
add("sql_plan", obj({"tables": arr(S(pattern="^[a-z_][a-z0-9_]*$")), "query": S(), "params": arr({"type": ["string", "number", "boolean", "null"]})},
                    ["query"]))
add("chat_message", obj({"role": enum("system", "user", "assistant", "tool"), "content": {"type": ["string", "null"]},
                         "name": S(pattern="^[a-zA-Z0-9_-]{1,64}$")}, ["role", "content"]))
add("nested_config", obj({"server": obj({"host": S(), "port": I(minimum=1, maximum=65535), "tls": obj({"enabled": B, "cert_path": S()}, ["enabled"], False)},
                                        ["host", "port"], False),
                          "database": obj({"url": S(format="uri"), "pool": obj({"min": I(minimum=0), "max": I(minimum=1, maximum=100)}, None, False)}, ["url"], False),
                          "features": obj({}, extra=B)}, ["server"], False))
add("kv_pairs", arr(obj({"key": S(), "value": {"type": ["string", "integer", "boolean"]}}, ["key", "value"], False), maxItems=6))
add("ticket", obj({"title": S(maxLength=120), "body": S(), "labels": arr(enum("bug", "feature", "docs", "question"), maxItems=3),
                   "assignee": {"type": ["string", "null"]}, "estimate_hours": N(minimum=0, maximum=200)}, ["title", "labels"]))
add("calendar_week", obj({"week": I(minimum=1, maximum=53), "days": arr(obj({"date": S(format="date"), "events": arr(obj({"time": S(format="time"), "what": S()}, ["what"]), maxItems=3)}, ["date"]), maxItems=7)},
                         ["week", "days"]))
add("allof_user", {"allOf": [obj({"id": I(minimum=1)}, ["id"]), obj({"name": S(), "email": S(format="email")}, ["name"]), obj({"active": B})]})
add("allof_ref", {"$defs": {"base": obj({"created": S(format="date-time"), "id": S(format="uuid")}, ["id"])},
                  "allOf": [{"$ref": "#/$defs/base"}, obj({"title": S(), "tags": arr(S())}, ["title"])]})
add("union_shapes", {"$defs": {"circle": obj({"kind": {"const": "circle"}, "radius": N(exclusiveMinimum=0)}, ["kind", "radius"], False),
                               "rect": obj({"kind": {"const": "rect"}, "w": N(exclusiveMinimum=0), "h": N(exclusiveMinimum=0)}, ["kind", "w", "h"], False)},
                     "type": "array", "items": {"oneOf": [{"$ref": "#/$defs/circle"}, {"$ref": "#/$defs/rect"}]}, "maxItems": 4})
add("tree", {"$defs": {"node": obj({"name": S(), "children": arr({"$ref": "#/$defs/node"}, maxItems=3)}, ["name"])}, "$ref": "#/$defs/node"})
add("comment_thread", {"$defs": {"comment": obj({"author": S(), "text": S(maxLength=280), "replies": arr({"$ref": "#/$defs/comment"}, maxItems=2)},
                                                ["author", "text"])},
                       "type": "object", "properties": {"post_id": I(), "comments": arr({"$ref": "#/$defs/comment"}, maxItems=3)}, "required": ["post_id", "comments"]})
add("linked_list", {"$defs": {"item": obj({"value": I(), "next": {"anyOf": [{"$ref": "#/$defs/item"}, {"type": "null"}]}}, ["value", "next"])},
                    "$ref": "#/$defs/item"})
add("json_any", True)
add("json_object_any", {"type": "object"})
add("array_any", {"type": "array"})
add("string_enum_large", enum(*[f"option_{i:02d}" for i in range(40)]))
add("mixed_enum", enum("a", 1, 2.5, True, None, "b"))
add("const_only", obj({"version": {"const": "1.0"}, "kind": {"const": "config"}}, ["version", "kind"], False))
add("optional_many", obj({f"field_{i}": S() for i in range(12)}))
add("required_many", obj({f"col_{i}": I() for i in range(10)}, [f"col_{i}" for i in range(10)], False))
add("deep_nesting", obj({"a": obj({"b": obj({"c": obj({"d": obj({"e": S()}, ["e"])}, ["d"])}, ["c"])}, ["b"])}, ["a"]))
add("nullable_fields", obj({"middle_name": {"type": "string", "nullable": True}, "age": {"type": ["integer", "null"]}, "score": {"type": ["number", "null"]}},
                           ["middle_name", "age", "score"]))
add("length_bounded", obj({"code": S(minLength=4, maxLength=8), "comment": S(maxLength=50), "initials": S(minLength=2, maxLength=3)}, ["code", "initials"]))
add("integer_bounds", obj({"percent": I(minimum=0, maximum=100), "offset": I(minimum=-1000, maximum=1000), "year": I(minimum=1900, maximum=2099),
                           "positive": I(exclusiveMinimum=0), "negative": I(exclusiveMaximum=0)}, ["percent", "offset", "year"]))
add("number_bounds", obj({"probability": N(minimum=0, maximum=1), "temperature": N(minimum=-273.15), "latitude": N(minimum=-90, maximum=90),
                          "discount": N(minimum=0, exclusiveMaximum=1)}, ["probability"]))
add("date_range", obj({"from": S(format="date"), "to": S(format="date"), "timezone": S(pattern="^[A-Za-z]+/[A-Za-z_]+$")}, ["from", "to"], False))
add("timestamps", arr(S(format="date-time"), minItems=1, maxItems=5))
add("uuid_list", arr(S(format="uuid"), maxItems=4))
add("email_list", obj({"to": arr(S(format="email"), minItems=1, maxItems=5), "cc": arr(S(format="email"), maxItems=3), "subject": S(maxLength=100), "body": S()},
                      ["to", "subject", "body"], False))
add("tuple_record", {"type": "array", "prefixItems": [S(), I(), B, {"type": "null"}], "minItems": 2, "items": False})
add("tuple_open", {"type": "array", "prefixItems": [S(format="date"), N()], "items": S(), "maxItems": 5})
add("dictionary_of_lists", obj({}, extra=arr(I(), maxItems=4)))
add("scores_by_name", obj({"scores": obj({}, extra=N(minimum=0, maximum=100))}, ["scores"]))
add("polymorphic_payment", {"type": "object", "properties": {"method": {"oneOf": [
    obj({"type": {"const": "card"}, "last4": S(pattern="^[0-9]{4}$"), "expiry": S(pattern="^(0[1-9]|1[0-2])/[0-9]{2}$")}, ["type", "last4"]),
    obj({"type": {"const": "bank"}, "iban": S()}, ["type", "iban"]),
    obj({"type": {"const": "wallet"}, "provider": enum("apple", "google", "paypal")}, ["type", "provider"])]},
    "amount": N(exclusiveMinimum=0)}, "required": ["method", "amount"]})
add("survey", obj({"respondent": S(format="uuid"), "answers": arr(obj({"question_id": I(minimum=1), "value": {"anyOf": [I(minimum=1, maximum=5), S(maxLength=200), B]}},
                                                                        ["question_id", "value"]), minItems=1)}, ["respondent", "answers"]))
add("graph", obj({"nodes": arr(obj({"id": S(), "label": S()}, ["id"]), maxItems=5), "edges": arr(obj({"from": S(), "to": S(), "weight": N()}, ["from", "to"]), maxItems=6)},
                 ["nodes", "edges"]))
add("draft4_style", {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "properties": {"count": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
                                                                                                            "tags": {"type": "array", "items": [S(), I()], "additionalItems": False}},
                     "required": ["count"], "definitions": {"unused": S()}})
add("definitions_ref", {"definitions": {"money": obj({"amount": N(), "currency": S(pattern="^[A-Z]{3}$")}, ["amount", "currency"])},
                        "type": "object", "properties": {"price": {"$ref": "#/definitions/money"}, "tax": {"$ref": "#/definitions/money"}}, "required": ["price"]})
add("annotated", {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/annotated", "title": "Annotated",
                  "description": "Every annotation keyword.", "type": "object", "$comment": "no effect",
                  "properties": {"a": {"type": "string", "title": "A", "description": "a string", "default": "x", "examples": ["y"], "deprecated": False, "readOnly": True}},
                  "required": ["a"]})
add("pattern_unanchored", obj({"slug": S(pattern="[a-z0-9]+(-[a-z0-9]+)*"), "hashtag": S(pattern="^#\\w{1,20}$")}, ["slug"]))
add("markdown_doc", obj({"title": S(), "sections": arr(obj({"heading": S(maxLength=60), "paragraphs": arr(S(), maxItems=3)}, ["heading"]), maxItems=4)}, ["title", "sections"]))
add("search_results", obj({"query": S(), "results": arr(obj({"title": S(), "url": S(format="uri"), "snippet": S(maxLength=160), "rank": I(minimum=1)}, ["title", "url", "rank"]), maxItems=5),
                           "total": I(minimum=0)}, ["query", "results"]))
add("diff_hunk", obj({"file": S(), "old_start": I(minimum=0), "old_lines": I(minimum=0), "new_start": I(minimum=0), "new_lines": I(minimum=0),
                      "lines": arr(S(pattern="^[ +-].*$"), maxItems=8)}, ["file", "lines"]))
add("code_review", obj({"verdict": enum("approve", "request_changes", "comment"), "comments": arr(obj({"path": S(), "line": I(minimum=1), "body": S(), "severity": enum("nit", "minor", "major")},
                                                                                                   ["path", "line", "body"]))}, ["verdict"]))
add("agent_plan", obj({"goal": S(), "steps": arr(obj({"id": I(minimum=1), "action": enum("read", "write", "run", "search", "ask"), "target": S(), "depends_on": arr(I(minimum=1))},
                                                      ["id", "action"]), minItems=1, maxItems=6), "done": B}, ["goal", "steps"]))
add("structured_answer", obj({"answer": S(), "citations": arr(obj({"source": I(minimum=0), "quote": S(maxLength=120)}, ["source"]), maxItems=3), "confidence": enum("low", "medium", "high")},
                             ["answer", "confidence"], False))

# --- Tool definitions' parameters ------------------------------------------------------------
tools = [
    ("get_weather", obj({"location": S(description="City and country"), "unit": enum("celsius", "fahrenheit")}, ["location"], False)),
    ("get_forecast", obj({"location": S(), "days": I(minimum=1, maximum=14)}, ["location", "days"], False)),
    ("web_search", obj({"query": S(), "num_results": I(minimum=1, maximum=10), "site": S()}, ["query"], False)),
    ("read_file", obj({"path": S(), "offset": I(minimum=0), "limit": I(minimum=1, maximum=2000)}, ["path"], False)),
    ("write_file", obj({"path": S(), "content": S()}, ["path", "content"], False)),
    ("edit_file", obj({"path": S(), "old_string": S(), "new_string": S(), "replace_all": B}, ["path", "old_string", "new_string"], False)),
    ("list_directory", obj({"path": S(), "recursive": B, "pattern": S()}, ["path"], False)),
    ("run_shell", obj({"command": arr(S(), minItems=1), "timeout_ms": I(minimum=1, maximum=600000), "workdir": S()}, ["command"], False)),
    ("grep", obj({"pattern": S(), "path": S(), "case_insensitive": B, "max_results": I(minimum=1)}, ["pattern"], False)),
    ("git_commit", obj({"message": S(maxLength=200), "files": arr(S()), "amend": B}, ["message"], False)),
    ("create_issue", obj({"title": S(maxLength=120), "body": S(), "labels": arr(enum("bug", "enhancement", "question", "documentation")), "assignees": arr(S())},
                         ["title"], False)),
    ("send_email", obj({"to": arr(S(format="email"), minItems=1), "subject": S(), "body": S(), "attachments": arr(S())}, ["to", "subject", "body"], False)),
    ("create_calendar_event", obj({"title": S(), "start": S(format="date-time"), "end": S(format="date-time"), "attendees": arr(S(format="email")),
                                   "reminder_minutes": I(minimum=0, maximum=10080)}, ["title", "start", "end"], False)),
    ("sql_query", obj({"query": S(), "database": enum("analytics", "production", "staging"), "max_rows": I(minimum=1, maximum=10000)}, ["query", "database"], False)),
    ("http_request", obj({"method": enum("GET", "POST", "PUT", "PATCH", "DELETE"), "url": S(format="uri"), "headers": obj({}, extra=S()), "body": S()},
                         ["method", "url"], False)),
    ("get_stock_price", obj({"symbol": S(pattern="^[A-Z]{1,5}$"), "exchange": enum("NYSE", "NASDAQ", "LSE")}, ["symbol"], False)),
    ("convert_currency", obj({"amount": N(exclusiveMinimum=0), "from": S(pattern="^[A-Z]{3}$"), "to": S(pattern="^[A-Z]{3}$")}, ["amount", "from", "to"], False)),
    ("book_restaurant", obj({"restaurant_id": S(), "date": S(format="date"), "time": S(pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$"), "party_size": I(minimum=1, maximum=20),
                             "notes": S(maxLength=200)}, ["restaurant_id", "date", "time", "party_size"], False)),
    ("translate", obj({"text": S(), "target_language": enum("en", "fr", "de", "es", "ja", "zh"), "formality": enum("formal", "informal")}, ["text", "target_language"], False)),
    ("generate_image", obj({"prompt": S(maxLength=1000), "size": enum("256x256", "512x512", "1024x1024"), "n": I(minimum=1, maximum=4), "style": enum("vivid", "natural")},
                           ["prompt"], False)),
    ("calculator", obj({"expression": S(pattern="^[0-9+*/(). -]+$")}, ["expression"], False)),
    ("unit_convert", obj({"value": N(), "from_unit": enum("m", "km", "mi", "ft", "kg", "lb"), "to_unit": enum("m", "km", "mi", "ft", "kg", "lb")},
                         ["value", "from_unit", "to_unit"], False)),
    ("set_thermostat", obj({"room": enum("living", "bedroom", "kitchen"), "target_c": N(minimum=10, maximum=30), "mode": enum("heat", "cool", "auto")},
                           ["room", "target_c"], False)),
    ("create_todo", obj({"title": S(), "due": S(format="date"), "priority": I(minimum=1, maximum=4), "tags": arr(S(), maxItems=5)}, ["title"], False)),
    ("lookup_user", obj({"user_id": S(format="uuid"), "include": arr(enum("profile", "orders", "payments"), maxItems=3)}, ["user_id"], False)),
    ("refund_order", obj({"order_id": S(pattern="^ORD-[0-9]{8}$"), "amount": N(exclusiveMinimum=0), "reason": enum("damaged", "late", "wrong_item", "other")},
                         ["order_id", "reason"], False)),
    ("spawn_agent", obj({"task": S(), "model": S(), "fork_context": B, "items": arr(obj({"type": enum("text", "image", "file"), "text": S(), "path": S()}, ["type"], False))},
                        ["task"], False)),
    ("apply_patch_json", obj({"patch": S(), "dry_run": B}, ["patch"], False)),
    ("navigate", obj({"url": S(format="uri"), "wait_until": enum("load", "domcontentloaded", "networkidle")}, ["url"], False)),
    ("click", obj({"selector": S(), "button": enum("left", "right", "middle"), "count": I(minimum=1, maximum=3)}, ["selector"], False)),
    ("memory_store", obj({"key": S(pattern="^[a-z][a-z0-9_]{0,40}$"), "value": {}, "ttl_seconds": I(minimum=1)}, ["key", "value"], False)),
    ("plan_route", obj({"stops": arr(obj({"lat": N(minimum=-90, maximum=90), "lon": N(minimum=-180, maximum=180)}, ["lat", "lon"], False), minItems=2, maxItems=6),
                        "mode": enum("driving", "walking", "cycling")}, ["stops"], False)),
]
for name, parameters in tools:
    add(f"tool_{name}", parameters, kind="tool")

# --- Variants: each self-contained data schema as a list of at most three, and wrapped in an envelope ----
base = [s for s in schemas if s["kind"] == "data" and "$ref" not in json.dumps(s["schema"]) and s["schema"] is not True]
for entry in base:
    # Embedded, a schema sheds its $schema and $id (a validator would register the same $id twice).
    inner = {k: v for k, v in entry["schema"].items() if k not in ("$schema", "$id")}
    add(f"list_of_{entry['name']}", arr(inner, maxItems=3))
    add(f"envelope_{entry['name']}", obj({"ok": B, "result": inner, "warnings": arr(S(maxLength=80), maxItems=2)}, ["ok", "result"], False))

print("\n".join(json.dumps(s, ensure_ascii=False) for s in schemas))
import sys
print(f"{len(schemas)} schemas", file=sys.stderr)
