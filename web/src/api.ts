// The ServiceAi API as the page uses it: openapi-fetch typed by the contract package
// (@serviceai/api-spec, generated/serviceai-api-spec). Every request and answer below is checked
// by `tsc --strict` against the contract's types: an operation, field or header the contract
// drops fails the build at the line that uses it.
import createClient from "openapi-fetch";
import type { components, paths } from "@serviceai/api-spec";

export type Tool = components["schemas"]["ChattyToolDefinition"];
type RealtimeToken = components["schemas"]["RealtimeTokenResponse"];
type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];
type UpgradeRequired = components["schemas"]["UpgradeRequiredEnvelope"];
type SdpBadGateway =
  paths["/api/realtime/webrtc"]["post"]["responses"][502]["content"]["application/json"];

/** The realtime-token answer is one envelope for three branches; this is which one it is. */
export type Session =
  | { branch: "fallback"; message: string }
  | { branch: "direct_webrtc"; clientSecret: string; expiresInSeconds: number | null; model: string | null }
  | { branch: "server_proxied"; sessionId: string | null; model: string | null; voice: string | null };

/** A documented error answer, as the page shows it. */
export class ApiProblem extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly retryAfterSeconds: number | null = null,
    readonly minClientVersion: string | null = null,
  ) {
    super(message);
    this.name = "ApiProblem";
  }
}

export interface ApiOptions {
  baseUrl: string;
  token: string;
  clientVersion: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return isRecord(value) && typeof value.error === "string";
}

function isUpgradeRequired(value: unknown): value is UpgradeRequired {
  return isErrorEnvelope(value) && typeof (value as UpgradeRequired).minClientVersion === "string";
}

function isBadGateway(value: unknown): value is SdpBadGateway {
  return isErrorEnvelope(value);
}

/** Retry-After in seconds (delta-seconds or an HTTP date), null when absent or unreadable.
 * Cross-origin, the browser shows it only when the server exposes it (CORS). */
export function retryAfter(response: Response): number | null {
  const value = response.headers.get("Retry-After");
  if (value === null) {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function problem(operation: string, response: Response, body: unknown): ApiProblem {
  const status = response.status;
  if (isUpgradeRequired(body)) {
    return new ApiProblem(operation, status, body.error, null, null, body.minClientVersion);
  }
  if (isErrorEnvelope(body)) {
    return new ApiProblem(operation, status, body.error, body.code ?? null, retryAfter(response));
  }
  const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
  return new ApiProblem(operation, status, `unexpected answer: ${text.slice(0, 200)}`);
}

export function createApi(options: ApiOptions) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${options.token}` },
    // The API authenticates with the bearer token, never a cookie: no credentials cross-origin.
    credentials: "omit",
  });
  const version = { "X-Client-Version": options.clientVersion };

  return {
    /** GET /api/chatty-voice/tools: the bare array of tool definitions. */
    async listTools(): Promise<Tool[]> {
      const { data, error, response } = await client.GET("/api/chatty-voice/tools", {
        params: { header: version },
      });
      if (data !== undefined) {
        return data;
      }
      throw problem("listChattyTools", response, error);
    },

    /** GET /api/csrf-token: the token the SDP exchange must carry as X-CSRF-Token. */
    async csrfToken(): Promise<string> {
      const { data, error, response } = await client.GET("/api/csrf-token", {
        params: { header: version },
      });
      if (data !== undefined) {
        return data.token;
      }
      throw problem("getCsrfToken", response, error);
    },

    /** POST /api/realtime-token: which branch the server chose (its 500 is the fallback). */
    async realtimeToken(direct: boolean): Promise<Session> {
      const { data, error, response } = await client.POST("/api/realtime-token", {
        params: { header: version },
        body: { directWebRTC: direct },
      });
      const token: RealtimeToken | undefined =
        data ?? (response.status === 500 && isRecord(error) && "fallback" in error ? error : undefined);
      if (token === undefined) {
        throw problem("createRealtimeToken", response, error);
      }
      return sessionOf(token);
    },

    /** POST /api/realtime/webrtc: the SDP answer for `offer` (text, not JSON). */
    async exchangeSdp(csrf: string, offer: string): Promise<string> {
      const { data, error, response } = await client.POST("/api/realtime/webrtc", {
        params: { header: { "X-CSRF-Token": csrf, ...version } },
        body: { sdp: offer },
        parseAs: "text",
      });
      if (data !== undefined) {
        return data;
      }
      const documented = [400, 401, 403, 429, 500];
      if (documented.includes(response.status) && isErrorEnvelope(error)) {
        throw problem("exchangeRealtimeSdp", response, error);
      }
      if (response.status === 502 && isBadGateway(error)) {
        const upstream = error.status === undefined ? "" : ` (OpenAI answered ${error.status})`;
        throw new ApiProblem("exchangeRealtimeSdp", 502, error.error + upstream, "BAD_GATEWAY");
      }
      // `default`: OpenAI's own answer passed through, opaque text or JSON
      const text = typeof error === "string" ? error : JSON.stringify(error ?? null);
      throw new ApiProblem(
        "exchangeRealtimeSdp",
        response.status,
        `OpenAI refused the call: ${text.slice(0, 300)}`,
        "UPSTREAM",
      );
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** The realtime-token union, told apart by the fields its branches carry. */
export function sessionOf(token: RealtimeToken): Session {
  if (token.fallback) {
    return { branch: "fallback", message: token.message ?? "Realtime is unavailable; use the HTTP fallback." };
  }
  if (token.directWebRTC === true && token.clientSecret !== undefined) {
    return {
      branch: "direct_webrtc",
      clientSecret: token.clientSecret,
      expiresInSeconds: token.expiresInSeconds ?? null,
      model: token.model ?? null,
    };
  }
  return {
    branch: "server_proxied",
    sessionId: token.sessionId ?? null,
    model: token.model ?? null,
    voice: token.voice ?? null,
  };
}
