// The page: settings, the Start / Respond / Hang up buttons, and what the call shows (state,
// tools, data-channel events, inbound audio statistics, errors from the documented bodies).
//
// Configuration comes from the address: `?api=<origin>` names the ServiceAi server (default: the
// page's own origin), `#token=<bearer>` fills the token field (a fragment never reaches a server
// or a Referer header; the page removes it from the address bar).
import { ApiProblem, createApi, type Tool } from "./api";
import { VoiceCall, type AudioStats, type CallState, type RealtimeEvent } from "./call";

declare const __CLIENT_VERSION__: string; // web/package.json's version, set by the build

const INSTRUCTIONS = "You are Chatty, the ServiceAi voice assistant. Keep answers short.";

function element<T extends HTMLElement>(id: string, kind: { new (): T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) {
    throw new Error(`the page lacks #${id}`);
  }
  return found;
}

const ui = {
  form: element("settings", HTMLFormElement),
  token: element("token", HTMLInputElement),
  api: element("api", HTMLOutputElement),
  docs: element("docs", HTMLAnchorElement),
  start: element("start", HTMLButtonElement),
  respond: element("respond", HTMLButtonElement),
  hangup: element("hangup", HTMLButtonElement),
  status: element("status", HTMLOutputElement),
  error: element("error", HTMLDivElement),
  tools: element("tools", HTMLUListElement),
  events: element("events", HTMLOListElement),
  packets: element("packets", HTMLElement),
  codec: element("codec", HTMLElement),
  route: element("route", HTMLElement),
  speaker: element("speaker", HTMLAudioElement),
};

function apiBase(): string {
  const given = new URLSearchParams(window.location.search).get("api");
  if (given === null || given === "") {
    return window.location.origin;
  }
  return new URL(given).origin; // an origin only: no path, no credentials in the URL
}

function tokenFromFragment(): string {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get("token");
  if (token !== null) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return token ?? "";
}

function setState(state: CallState | "idle", detail: string): void {
  ui.status.dataset.state = state;
  ui.status.textContent = `${state}: ${detail}`;
  const live = state === "connecting" || state === "connected";
  ui.start.disabled = live;
  ui.hangup.disabled = !live;
  ui.respond.disabled = state !== "connected";
}

function showError(error: unknown): void {
  ui.error.hidden = false;
  ui.error.replaceChildren();
  const line = document.createElement("p");
  if (error instanceof ApiProblem) {
    ui.error.dataset.status = String(error.status);
    ui.error.dataset.code = error.code ?? "";
    ui.error.dataset.operation = error.operation;
    line.textContent = `${error.status} from ${error.operation}: ${error.message}`;
    ui.error.append(line);
    if (error.retryAfterSeconds !== null) {
      ui.error.dataset.retryAfter = String(error.retryAfterSeconds);
      const retry = document.createElement("p");
      retry.textContent = `Try again in ${error.retryAfterSeconds} s.`;
      ui.error.append(retry);
    }
    if (error.minClientVersion !== null) {
      ui.error.dataset.minClientVersion = error.minClientVersion;
      const upgrade = document.createElement("p");
      upgrade.textContent = `This page is version ${__CLIENT_VERSION__}; the server needs ${error.minClientVersion} or later.`;
      ui.error.append(upgrade);
    }
    return;
  }
  if (error instanceof TypeError) {
    // fetch() rejects without a status when the server is unreachable or CORS refuses the origin
    ui.error.dataset.status = "network";
    line.textContent = `The API at ${apiBase()} could not be reached from ${window.location.origin} (down, or this origin is not allowed): ${error.message}`;
  } else if (error instanceof DOMException) {
    ui.error.dataset.status = "media";
    line.textContent = `Microphone or WebRTC refused: ${error.name}: ${error.message}`;
  } else {
    ui.error.dataset.status = "client";
    line.textContent = error instanceof Error ? error.message : String(error);
  }
  ui.error.append(line);
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  for (const key of Object.keys(ui.error.dataset)) {
    delete ui.error.dataset[key];
  }
}

function showTools(tools: Tool[]): void {
  ui.tools.replaceChildren(
    ...tools.map((tool) => {
      const item = document.createElement("li");
      item.dataset.name = tool.function.name;
      const name = document.createElement("code");
      name.textContent = tool.function.name;
      item.append(name, ` ${tool.function.description}`);
      return item;
    }),
  );
}

function logEvent(direction: "sent" | "received", event: RealtimeEvent): void {
  const item = document.createElement("li");
  item.dataset.direction = direction;
  item.dataset.type = event.type;
  item.textContent = `${direction === "sent" ? "→" : "←"} ${event.type}`;
  ui.events.append(item);
}

function showStats(stats: AudioStats): void {
  ui.packets.textContent = String(stats.packetsReceived);
  ui.packets.dataset.value = String(stats.packetsReceived);
  ui.codec.textContent = stats.codec ?? "–";
  ui.route.textContent =
    stats.localAddress === null ? "–" : `${stats.localAddress} ⇄ ${stats.remoteAddress ?? "?"}`;
}

let current: VoiceCall | null = null;

async function start(): Promise<void> {
  clearError();
  ui.events.replaceChildren();
  const api = createApi({ baseUrl: apiBase(), token: ui.token.value.trim(), clientVersion: __CLIENT_VERSION__ });
  setState("connecting", "listing tools");
  try {
    showTools(await api.listTools());
    current = await VoiceCall.start(
      api,
      { state: setState, event: logEvent, stats: showStats },
      ui.speaker,
      INSTRUCTIONS,
    );
    (window as unknown as { voiceCall: VoiceCall }).voiceCall = current; // for DevTools and tests
  } catch (error) {
    setState("failed", error instanceof Error ? error.message : String(error));
    showError(error);
  }
}

ui.api.textContent = apiBase();
ui.docs.href = new URL("docs", `${apiBase()}/`).href;
ui.token.value = tokenFromFragment();
ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  void start();
});
ui.respond.addEventListener("click", () => current?.respond());
ui.hangup.addEventListener("click", () => current?.hangUp());
setState("idle", "press Start to call");
document.documentElement.dataset.ready = "true";
