// Every ServiceAi operation called through openapi-fetch with the package's `paths`, as a web
// team would. Compiled by tests/test_web_contract.py with `tsc --strict --noEmit`; never run.
import createClient from "openapi-fetch";
import type { components, paths } from "./types";

type RealtimeToken = components["schemas"]["RealtimeTokenResponse"];
type Branch = "fallback" | "direct_webrtc" | "server_proxied";
type Webrtc = paths["/api/realtime/webrtc"]["post"];

// The SDP answer is text, the default response a pass-through of OpenAI's own error.
export const sdpAnswer: Webrtc["responses"][200]["content"]["application/sdp"] = "v=0\r\n";
export const upstreamText: Webrtc["responses"]["default"]["content"]["text/plain"] = "bad gateway";
export const upstreamJson: Webrtc["responses"]["default"]["content"]["application/json"] = {
  error: { message: "anything OpenAI sends" },
};

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });
const versionHeader = { "X-Client-Version": "1.0.0" };

// The realtime-token answer is one envelope for three branches; only `fallback` is certain.
export function realtimeBranch(token: RealtimeToken): Branch {
  if (token.fallback) {
    return "fallback";
  }
  if (token.directWebRTC === true && token.clientSecret !== undefined) {
    return "direct_webrtc";
  }
  return "server_proxied";
}

export async function everyOperation(offer: string): Promise<string[]> {
  const seen: string[] = [];

  const version = await client.GET("/api/version", { params: { header: versionHeader } });
  if (version.data) {
    const current: string = version.data.apiVersion;
    seen.push(current, version.data.minClientVersion);
  }

  const tools = await client.GET("/api/chatty-voice/tools", { params: { header: versionHeader } });
  if (tools.data) {
    // A bare array of tool definitions, no envelope around it.
    for (const tool of tools.data) {
      const kind: "function" = tool.type;
      const name: string = tool.function.name;
      const schema: "object" = tool.function.parameters.type;
      seen.push(kind, name, schema, ...Object.keys(tool.function.parameters.properties));
    }
  } else if (tools.error) {
    // 401/403 ErrorEnvelope or 426 UpgradeRequiredEnvelope: both carry `error`.
    const message: string = tools.error.error;
    seen.push(message);
  }

  const executed = await client.POST("/api/chatty-voice/tools/execute", {
    params: { header: versionHeader },
    body: { function: "get_weather", arguments: { location: "Oslo" } },
  });
  if (executed.data) {
    const ok: boolean = executed.data.success;
    seen.push(String(ok), executed.data.message ?? "");
  } else if (executed.error) {
    seen.push(executed.error.error ?? "no message");
  }

  const context = await client.GET("/api/chatty-voice/ai-context");
  if (context.data) {
    const loaded: boolean = context.data.knowledgeBaseLoaded && context.data.workflowStagesLoaded;
    seen.push(context.data.instructions, String(loaded), context.data.timestamp);
  }

  const token = await client.POST("/api/realtime-token", { body: { directWebRTC: true } });
  if (token.data) {
    const branch = realtimeBranch(token.data);
    switch (branch) {
      case "fallback":
        seen.push(token.data.message ?? "fallback");
        break;
      case "direct_webrtc": {
        const secret: string | undefined = token.data.clientSecret;
        const expires: number | undefined = token.data.expiresInSeconds;
        seen.push(secret ?? "", String(expires), token.data.model ?? "", token.data.voice ?? "");
        break;
      }
      case "server_proxied": {
        const csrf = await client.GET("/api/csrf-token");
        if (!csrf.data) {
          break;
        }
        const answer = await client.POST("/api/realtime/webrtc", {
          params: { header: { "X-CSRF-Token": csrf.data.token, ...versionHeader } },
          body: { sdp: offer },
          parseAs: "text",
        });
        if (answer.data !== undefined) {
          seen.push(answer.data);
        } else {
          // 400-500 ErrorEnvelope, 502 `{ error, status? }`, default: OpenAI's payload as is.
          seen.push(String(answer.error));
        }
        break;
      }
      default: {
        const unreachable: never = branch;
        return unreachable;
      }
    }
    const organization: string | number | undefined = token.data.metadata?.organizationId;
    seen.push(String(organization));
  } else if (token.error && "fallback" in token.error) {
    // The 500 still carries the union envelope, with `fallback: true`.
    const fallback: boolean = token.error.fallback;
    seen.push(String(fallback));
  }
  return seen;
}
