"""TypeScript types read the same facts as the Python models (issue 24, items 6 to 8).

One small document holds the three constructs OpenAI's description is full of: a discriminator
without `mapping` whose members fix the property by `enum` or `const`; keywords beside an `anyOf`
that admits `null`; a request body whose properties have defaults (and a `readOnly` one). Here:
the plan's text and the shared decision. Its types.d.ts and USAGE compile under `tsc --strict`
in the web contract's one tsc run (tests/test_web_contract_typescript.py); USAGE's
`@ts-expect-error` lines must each be an error (tsc reports an unused one), so the checks cut
both ways.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.emit.typescript import render_types
from generator.plans.discriminator import discriminator_tags
from generator.plans.typescript import build_typescript_plan


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Chat", "version": "1.0.0"},
    "servers": [{"url": "https://chat.example/v1"}],
    "paths": {
        "/chat/completions": {
            "post": {
                "operationId": "createChatCompletion",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("CreateChatRequest")}},
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": ref("CreateChatRequest")}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "SystemMessage": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"type": "string", "enum": ["system"]},
                    "content": {"type": "string"},
                },
            },
            "UserMessage": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {"role": {"const": "user"}, "content": {"type": "string"}},
            },
            "Message": {
                "oneOf": [ref("SystemMessage"), ref("UserMessage")],
                "discriminator": {"propertyName": "role"},
            },
            "Options": {
                "type": "object",
                "properties": {"seed": {"type": "integer"}},
                "anyOf": [{"required": ["seed"]}, {"type": "null"}],
            },
            "CreateChatRequest": {
                "type": "object",
                "required": ["model", "messages", "id"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "model": {"type": "string"},
                    "messages": {"type": "array", "items": ref("Message")},
                    "n": {"type": "integer", "default": 1},
                    "options": ref("Options"),
                },
            },
        }
    },
}

USAGE = """
import createClient from "openapi-fetch";
import type { components, paths, requestSchemas } from "./types";

type Schemas = components["schemas"];

// 6: the discriminator's tags are the members' own values, not their names.
const system: Schemas["Message"] = { role: "system", content: "Be brief." };
const user: Schemas["Message"] = { role: "user", content: "Hi" };
// @ts-expect-error a member's name is no tag
const named: Schemas["Message"] = { role: "SystemMessage", content: "x" };
const messages: Schemas["Message"][] = [system, user];

// 7: null stays admitted beside the sibling keywords.
const noOptions: Schemas["Options"] = null;
const options: Schemas["Options"] = { seed: 1 };

// 8: what a client sends: defaulted and read-only properties optional.
const minimal: requestSchemas["CreateChatRequest"] = { model: "gpt", messages };
const client = createClient<paths>({ baseUrl: "https://chat.example/v1" });
export async function send(): Promise<number | undefined> {
    const { data } = await client.POST("/chat/completions", { body: { model: "gpt", messages } });
    return data?.n; // what a server sends: the default filled in, so `n` is a number
}
const sent: Schemas["CreateChatRequest"] = { id: "c1", model: "gpt", messages, n: 1 };
// @ts-expect-error what a server sends has `n` (its default) and `id`
const incomplete: Schemas["CreateChatRequest"] = { model: "gpt", messages };
export { named, noOptions, options, minimal, sent, incomplete };
"""


def rendered() -> str:
    return render_types(build_typescript_plan(json.loads(json.dumps(DOCUMENT))))


@pytest.fixture(scope="module")
def plan_text() -> str:
    return rendered()


def test_the_discriminator_tags_are_the_members_own_values(plan_text: str) -> None:
    assert 'role: "system"' in plan_text and 'role: "user"' in plan_text
    assert '"SystemMessage"' not in plan_text.split("export interface components")[0]
    assert 'role: "SystemMessage"' not in plan_text


def test_one_decision_serves_the_python_models_and_the_types() -> None:
    own = {"SystemMessage": ["system"], "UserMessage": ["user"], "Other": None, "Named": []}
    tags = discriminator_tags(
        [("chat", "Named")], list(own), own.__getitem__, lambda name: name.lower()
    )
    assert tags.first == {
        "SystemMessage": ("system",),
        "UserMessage": ("user",),
        "Other": ("other",),
        "Named": ("chat",),
    }
    # A reader also accepts the implicit name of a mapped member (OpenAPI's implicit mapping).
    assert tags.by_value == {
        "chat": "Named",
        "system": "SystemMessage",
        "user": "UserMessage",
        "other": "Other",
        "named": "Named",
    }
    assert tags.undeclared == ("Other",)


def test_request_forms_exist_only_where_they_differ(plan_text: str) -> None:
    request = plan_text.split("export interface requestSchemas", 1)[1].split("\nexport ", 1)[0]
    assert '"CreateChatRequest"' in request or "CreateChatRequest:" in request
    assert "SystemMessage" not in request  # nothing in it differs
    assert 'requestSchemas["CreateChatRequest"]' in plan_text  # the request body uses it


def test_each_deliberate_divergence_is_recorded_where_it_is_decided() -> None:
    """What differs from openapi-typescript 7 on purpose, with its reason (compat.py explains a
    difference only by such a record): request forms, a `null` branch, a closed empty object."""
    from generator.plans.typescript import CLOSED_EMPTY, NULL_BRANCH, REQUEST_FORM

    doc = json.loads(json.dumps(DOCUMENT))
    doc["components"]["schemas"]["Closed"] = {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    plan = build_typescript_plan(doc)
    recorded = {(d.pointer, d.reason) for d in plan.divergences}
    assert ("/components/schemas/CreateChatRequest", REQUEST_FORM) in recorded
    assert ("/components/schemas/Options", NULL_BRANCH) in recorded
    assert ("/components/schemas/Closed", CLOSED_EMPTY) in recorded
    assert "Closed: Record<string, never>;" in render_types(plan)
