// Written by the contract toolkit's generator from openapi.yaml: do not edit.
import type { components } from "./types.js";

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
