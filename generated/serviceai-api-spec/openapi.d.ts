// Written by the contract toolkit's generator from openapi.yaml: do not edit.
/** The OpenAPI document of this package (the data of `openapi.json`). */
export interface OpenAPIDocument {
    openapi: string;
    info: { title: string; version: string; [key: string]: unknown };
    paths?: { [path: string]: unknown };
    components?: { [kind: string]: unknown };
    [key: string]: unknown;
}
declare const document: OpenAPIDocument;
export default document;
