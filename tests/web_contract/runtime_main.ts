// A web project's code against the installed package (tests/test_web_package_runtime.py):
// compiled with `tsc --strict`, then run under Node against the reference ServiceAi backend.
import { createClient, defaultBaseUrl, openapi } from "@serviceai/api-spec";
import type { components } from "@serviceai/api-spec";
import published from "@serviceai/api-spec/openapi.json" with { type: "json" };
import { createValidators } from "@serviceai/api-spec/validators";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

const client = createClient({
    baseUrl: process.env.BASE_URL,
    headers: { Authorization: `Bearer ${process.env.TOKEN}` },
});
const version = await client.GET("/api/version");
const tools = await client.GET("/api/chatty-voice/tools");
const forbidden = await createClient({ baseUrl: process.env.BASE_URL }).GET("/api/chatty-voice/tools");

const validators = createValidators();
const body: unknown = version.data;
let apiVersion = "";
if (validators.is("ApiVersionResponse", body)) {
    apiVersion = body.apiVersion; // narrowed to components["schemas"]["ApiVersionResponse"]
}
const firstTool: components["schemas"]["ChattyToolDefinition"] | undefined = tools.data?.[0];

console.log(
    JSON.stringify({
        title: openapi.info.title,
        publishedTitle: published.info.title,
        defaultBaseUrl: defaultBaseUrl ?? null,
        apiVersion,
        tool: firstTool?.function.name ?? null,
        forbiddenStatus: forbidden.response.status,
        validBody: validators.errors("ApiVersionResponse", body),
        invalidBody: validators.errors("ApiVersionResponse", { apiVersion: 1 }),
    }),
);
