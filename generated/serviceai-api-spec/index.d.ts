// Written by the contract toolkit's generator from openapi.yaml: do not edit.
import type { Client, ClientOptions } from "openapi-fetch";
import type { paths } from "./types.js";

export type * from "./types.js";
export type { OpenAPIDocument } from "./openapi.js";
export { default as openapi } from "./openapi.js";

/** The document's first absolute server URL (undefined when it has none). */
export declare const defaultBaseUrl: string | undefined;

/** openapi-fetch's client for this API, typed by `paths` (`baseUrl` defaults to `defaultBaseUrl`). */
export declare function createClient(options?: ClientOptions): Client<paths>;
