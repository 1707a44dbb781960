// Written by the contract toolkit's generator from openapi.yaml: do not edit.
import createFetchClient from "openapi-fetch";
import document from "./openapi.js";

export { document as openapi };

/** The document's first absolute server URL (undefined when it has none). */
export const defaultBaseUrl = undefined;

/** openapi-fetch's client for this API, typed by `paths`. */
export function createClient(options = {}) {
    return createFetchClient({ ...options, baseUrl: options.baseUrl ?? defaultBaseUrl });
}
