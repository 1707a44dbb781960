"""The run-time part of the web contract package: a typed client factory and validators.

`import "@<scope>/<name>"` gives, besides the types:

- `openapi`: the document (the same data as `openapi.json`, as an ES module, so Node, bundlers
  and browsers import it without JSON-module support);
- `createClient(options?)`: openapi-fetch's client typed by the package's `paths`, its base URL
  the document's first absolute server URL unless `options.baseUrl` says otherwise. openapi-fetch
  is a peer dependency (one version range, the one the types are checked against).

`import { createValidators } from "@<scope>/<name>/validators"` builds a JSON Schema validator per
component schema (`components.schemas`, in the 2020-12 dialect even for an OpenAPI 3.0 document)
with ajv, an optional peer dependency: `is(name, value)` narrows `value` to the component's type,
`errors(name, value)` lists what is wrong. Nothing loads ajv unless this entry is imported.

The files are rendered from `TsPlan` (`json_schemas`, `default_base_url`); nothing is decided
here.
"""

from __future__ import annotations

import json
from typing import Any

from generator.plans.typescript import TsPlan

# The versions the package's types and run-time part are checked against
# (tests/test_web_package_runtime.py installs exactly these).
OPENAPI_FETCH_RANGE = "^0.17.0"
AJV_RANGE = "^8.17.1"
VALIDATORS_ID = "urn:openapi-contract:components"


def _js(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=False)


def runtime_files(plan: TsPlan, document: Any) -> dict[str, str]:
    header = "// Written by the contract toolkit's generator from openapi.yaml: do not edit.\n"
    files = {
        "openapi.js": header + "export default " + _js(document) + ";\n",
        "openapi.d.ts": header + _OPENAPI_D_TS,
        "index.js": header
        + _INDEX_JS.replace(
            "__BASE_URL__",
            "undefined" if plan.default_base_url is None else json.dumps(plan.default_base_url),
        ),
        "index.d.ts": header + _INDEX_D_TS,
        "validators.js": header
        + _VALIDATORS_JS.replace("__ID__", json.dumps(VALIDATORS_ID)).replace(
            "__SCHEMAS__", _js(plan.json_schemas)
        ),
        "validators.d.ts": header + _VALIDATORS_D_TS,
    }
    return files


_OPENAPI_D_TS = """/** The OpenAPI document of this package (the data of `openapi.json`). */
export interface OpenAPIDocument {
    openapi: string;
    info: { title: string; version: string; [key: string]: unknown };
    paths?: { [path: string]: unknown };
    components?: { [kind: string]: unknown };
    [key: string]: unknown;
}
declare const document: OpenAPIDocument;
export default document;
"""

_INDEX_JS = """import createFetchClient from "openapi-fetch";
import document from "./openapi.js";

export { document as openapi };

/** The document's first absolute server URL (undefined when it has none). */
export const defaultBaseUrl = __BASE_URL__;

/** openapi-fetch's client for this API, typed by `paths`. */
export function createClient(options = {}) {
    return createFetchClient({ ...options, baseUrl: options.baseUrl ?? defaultBaseUrl });
}
"""

# Relative specifiers carry `.js`: under Node's resolution (`nodenext`) an ES module package's
# declarations need them, and TypeScript maps `./types.js` to `types.d.ts`.
_INDEX_D_TS = """import type { Client, ClientOptions } from "openapi-fetch";
import type { paths } from "./types.js";

export type * from "./types.js";
export type { OpenAPIDocument } from "./openapi.js";
export { default as openapi } from "./openapi.js";

/** The document's first absolute server URL (undefined when it has none). */
export declare const defaultBaseUrl: string | undefined;

/** openapi-fetch's client for this API, typed by `paths` (`baseUrl` defaults to `defaultBaseUrl`). */
export declare function createClient(options?: ClientOptions): Client<paths>;
"""

_VALIDATORS_JS = r"""import Ajv2020 from "ajv/dist/2020.js";

const ID = __ID__;
/** Every component schema, JSON Schema 2020-12, references as `#/$defs/<name>`. */
export const schemas = __SCHEMAS__;

/** A validator per component schema, compiled on first use by ajv (an optional peer). */
export function createValidators(options = {}) {
    const ajv = options.ajv ?? new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: ID, $defs: schemas });
    const compiled = new Map();
    function validator(name) {
        if (!Object.prototype.hasOwnProperty.call(schemas, name)) {
            throw new Error(`no component schema named ${JSON.stringify(name)}`);
        }
        let found = compiled.get(name);
        if (found === undefined) {
            const token = name.replace(/~/g, "~0").replace(/\//g, "~1");
            found = ajv.compile({ $ref: `${ID}#/$defs/${encodeURIComponent(token)}` });
            compiled.set(name, found);
        }
        return found;
    }
    return {
        is(name, value) {
            return validator(name)(value) === true;
        },
        errors(name, value) {
            const check = validator(name);
            if (check(value)) return [];
            return (check.errors ?? []).map((e) => `${e.instancePath || "(root)"}: ${e.message}`);
        },
    };
}
"""

_VALIDATORS_D_TS = """import type { components } from "./types.js";

export type SchemaName = keyof components["schemas"] & string;

export interface Validators {
    /** Whether `value` is valid against the component schema (and so of its type). */
    is<N extends SchemaName>(name: N, value: unknown): value is components["schemas"][N];
    /** What makes `value` invalid (`instancePath: message`), empty when it is valid. */
    errors(name: SchemaName, value: unknown): string[];
}

/** The component schemas as JSON Schema 2020-12, references as `#/$defs/<name>`. */
export declare const schemas: { readonly [name: string]: unknown };

/** Validators built with ajv (an optional peer dependency); pass your own `ajv` (Ajv2020) to
 * add formats (`ajv-formats`) or options. */
export declare function createValidators(options?: { ajv?: unknown }): Validators;
"""
