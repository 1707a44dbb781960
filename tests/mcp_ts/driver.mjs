// Drives generated MCP servers with the official TypeScript MCP SDK's Client, as agent hosts do.
//
// node driver.mjs <sessions.json> <results.json>
//
// sessions.json: [{label, transport: "stdio"|"http", command, args, env, cwd, url,
//                  steps: [{call: name, arguments} | {every: "invalid"} | {post: url}]}]
// For each session: connect, list every tool page by page (the SDK caches each tool's output
// schema validator from the listing), check every input and output schema against the JSON Schema
// 2020-12 meta-schema and compile it with ajv (what the SDK does with output schemas), then run
// the steps. Every call's outcome is recorded: the result (isError, content, structuredContent) or
// the error the SDK threw (an McpError such as -32602 "Structured content does not match the
// tool's output schema" is exactly what a host would show instead of the tool's answer).
import { readFileSync, writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [sessionsFile, resultsFile] = process.argv.slice(2);
const sessions = JSON.parse(readFileSync(sessionsFile, "utf8"));

function checker() {
  // Meta-validation: the 2020-12 meta-schema with its formats (`regex` for `pattern`,
  // `uri-reference` for `$ref`). Compilation: as lenient as the SDK's own validator.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

function checkSchema(ajv, schema) {
  const problems = [];
  if (!ajv.validateSchema(schema)) {
    problems.push("meta-schema: " + ajv.errorsText(ajv.errors));
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    problems.push("compile: " + error.message);
  }
  return problems;
}

async function listEveryTool(client) {
  const tools = [];
  let cursor;
  let pages = 0;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== undefined && pages < 10000);
  return { tools, pages };
}

async function outcome(client, name, args) {
  try {
    const result = await client.callTool({ name, arguments: args });
    return {
      tool: name,
      arguments: args,
      isError: result.isError === true,
      content: result.content,
      structuredContent: result.structuredContent ?? null,
    };
  } catch (error) {
    return { tool: name, arguments: args, thrown: `${error.name}: ${error.message}`, code: error.code ?? null };
  }
}

async function run(session) {
  const transport =
    session.transport === "http"
      ? new StreamableHTTPClientTransport(new URL(session.url))
      : new StdioClientTransport({
          command: session.command,
          args: session.args,
          env: session.env,
          cwd: session.cwd,
          stderr: "pipe",
        });
  let stderr = "";
  if (transport.stderr) transport.stderr.on("data", (chunk) => (stderr += chunk));
  const client = new Client({ name: "mcp-ts-driver", version: "1.0.0" });
  const found = { label: session.label, tools: [], schemaProblems: [], calls: [], error: null };
  try {
    await client.connect(transport);
    const { tools, pages } = await listEveryTool(client);
    found.pages = pages;
    const ajv = checker();
    for (const tool of tools) {
      found.tools.push({
        name: tool.name,
        annotations: tool.annotations ?? null,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema ?? null,
      });
      for (const [kind, schema] of [["input", tool.inputSchema], ["output", tool.outputSchema]]) {
        if (schema === undefined) continue;
        for (const problem of checkSchema(ajv, schema)) {
          found.schemaProblems.push(`${tool.name} ${kind}: ${problem}`);
        }
      }
    }
    for (const step of session.steps) {
      if (step.post !== undefined) {
        await fetch(step.post, { method: "POST" });
      } else if (step.every === "invalid") {
        // An argument no tool declares: every input schema says additionalProperties: false.
        for (const tool of tools) found.calls.push(await outcome(client, tool.name, { not_an_argument_of_any_tool: 1 }));
      } else if (step.every !== undefined) {
        // Arguments per tool, chosen by the test (`step.every` maps a tool name to them).
        for (const tool of tools) {
          if (tool.name in step.every) found.calls.push(await outcome(client, tool.name, step.every[tool.name]));
        }
      } else {
        found.calls.push(await outcome(client, step.call, step.arguments ?? {}));
      }
    }
  } catch (error) {
    found.error = `${error.name}: ${error.message}`;
  } finally {
    await client.close().catch(() => {});
  }
  if (found.error !== null) found.stderr = stderr.slice(-4000);
  return found;
}

// The sessions are independent (each its own server process or endpoint): up to SIDE_BY_SIDE run
// at once, so one server's start-up (an interpreter importing the MCP SDK) overlaps another's
// calls. Results keep the sessions' order.
const SIDE_BY_SIDE = 4;
const results = new Array(sessions.length);
let next = 0;
async function worker() {
  while (next < sessions.length) {
    const index = next++;
    results[index] = await run(sessions[index]);
  }
}
await Promise.all(Array.from({ length: Math.min(SIDE_BY_SIDE, sessions.length) }, worker));
writeFileSync(resultsFile, JSON.stringify(results));
