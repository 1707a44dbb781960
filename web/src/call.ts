// The desktop WebRTC branch: microphone, peer connection, the SDP offer posted through ServiceAi
// (POST /api/realtime/webrtc with the CSRF token), the answer, the `oai-events` data channel and
// the model's audio played. The server hangs up when maxSessionDurationSeconds is reached; the
// page sees the data channel close and ends the call.
import { ApiProblem, type Api } from "./api";

export const EVENTS_CHANNEL = "oai-events";
// How long to wait for ICE candidates before the offer goes out without the rest (a host on
// several networks gathers in well under a second; a stuck interface must not hold the call).
const GATHERING_LIMIT_MS = 3000;
const STATS_EVERY_MS = 500;

export type CallState = "connecting" | "connected" | "ended" | "failed";

/** A Realtime event on the data channel (client or server), as OpenAI shapes them. */
export interface RealtimeEvent {
  type: string;
  event_id?: string;
  [field: string]: unknown;
}

export interface AudioStats {
  packetsReceived: number;
  bytesReceived: number;
  codec: string | null;
  localAddress: string | null;
  remoteAddress: string | null;
}

export interface CallObserver {
  state(state: CallState, detail: string): void;
  event(direction: "sent" | "received", event: RealtimeEvent): void;
  stats(stats: AudioStats): void;
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") {
      resolve();
      return;
    }
    const timer = window.setTimeout(resolve, GATHERING_LIMIT_MS);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") {
        window.clearTimeout(timer);
        resolve();
      }
    });
  });
}

function parseEvent(data: unknown): RealtimeEvent {
  if (typeof data === "string") {
    try {
      const value: unknown = JSON.parse(data);
      if (typeof value === "object" && value !== null && typeof (value as RealtimeEvent).type === "string") {
        return value as RealtimeEvent;
      }
    } catch {
      // shown as an unreadable event below
    }
  }
  return { type: "(unreadable event)" };
}

export class VoiceCall {
  private ended = false;
  private statsTimer: number | undefined;

  private constructor(
    readonly pc: RTCPeerConnection,
    readonly channel: RTCDataChannel,
    private readonly microphone: MediaStream,
    private readonly observer: CallObserver,
  ) {}

  /** The whole desktop flow; resolves once the answer is applied (connection still coming). */
  static async start(
    api: Api,
    observer: CallObserver,
    speaker: HTMLAudioElement,
    instructions: string,
  ): Promise<VoiceCall> {
    observer.state("connecting", "asking for a CSRF token");
    const csrf = await api.csrfToken();
    observer.state("connecting", "minting a realtime session");
    const session = await api.realtimeToken(false);
    switch (session.branch) {
      case "fallback":
        throw new ApiProblem("createRealtimeToken", 500, session.message, "FALLBACK");
      case "direct_webrtc":
        throw new ApiProblem(
          "createRealtimeToken",
          200,
          "The server chose the direct WebRTC branch (an ephemeral key for OpenAI); this page runs the desktop branch.",
          "DIRECT_WEBRTC",
        );
      case "server_proxied":
        observer.state("connecting", `session ${session.sessionId ?? "?"} (${session.model ?? "model?"})`);
        break;
      default: {
        const unreachable: never = session;
        throw new Error(`unknown realtime branch ${String(unreachable)}`);
      }
    }
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    for (const track of microphone.getAudioTracks()) {
      pc.addTrack(track, microphone);
    }
    const channel = pc.createDataChannel(EVENTS_CHANNEL);
    const call = new VoiceCall(pc, channel, microphone, observer);
    call.wire(speaker, instructions);
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const offer = pc.localDescription?.sdp;
      if (offer === undefined) {
        throw new Error("the browser produced no SDP offer");
      }
      observer.state("connecting", "exchanging SDP through ServiceAi");
      const answer = await api.exchangeSdp(csrf, offer);
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
    } catch (error) {
      call.end("failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
    return call;
  }

  private wire(speaker: HTMLAudioElement, instructions: string): void {
    const { pc, channel, observer } = this;
    pc.addEventListener("track", (event) => {
      speaker.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void speaker.play().catch(() => {
        // autoplay refused: the Start click usually allows it; the stats still count packets
      });
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") {
        observer.state("connected", "peer connection up");
        this.statsTimer = window.setInterval(() => void this.reportStats(), STATS_EVERY_MS);
      } else if (pc.connectionState === "failed") {
        this.end("failed", "the peer connection failed");
      }
    });
    channel.addEventListener("open", () => {
      this.send({ type: "session.update", session: { type: "realtime", instructions } });
    });
    channel.addEventListener("message", (message: MessageEvent) => {
      observer.event("received", parseEvent(message.data));
    });
    channel.addEventListener("close", () => {
      this.end("ended", "the server ended the call");
    });
  }

  send(event: RealtimeEvent): void {
    if (this.channel.readyState !== "open") {
      return;
    }
    this.channel.send(JSON.stringify(event));
    this.observer.event("sent", event);
  }

  /** Ask the model for a response (the events come back on the data channel). */
  respond(): void {
    this.send({ type: "response.create" });
  }

  async stats(): Promise<AudioStats> {
    const report = await this.pc.getStats();
    const result: AudioStats = {
      packetsReceived: 0,
      bytesReceived: 0,
      codec: null,
      localAddress: null,
      remoteAddress: null,
    };
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((entry: Record<string, unknown>) => byId.set(String(entry.id), entry));
    for (const entry of byId.values()) {
      if (entry.type === "inbound-rtp" && entry.kind === "audio") {
        result.packetsReceived += Number(entry.packetsReceived ?? 0);
        result.bytesReceived += Number(entry.bytesReceived ?? 0);
        const codec = byId.get(String(entry.codecId));
        result.codec = codec === undefined ? null : String(codec.mimeType);
      }
      if (entry.type === "candidate-pair" && entry.nominated === true && entry.state === "succeeded") {
        const local = byId.get(String(entry.localCandidateId));
        const remote = byId.get(String(entry.remoteCandidateId));
        result.localAddress = local === undefined ? null : `${String(local.address)}:${String(local.port)}`;
        result.remoteAddress = remote === undefined ? null : `${String(remote.address)}:${String(remote.port)}`;
      }
    }
    return result;
  }

  private async reportStats(): Promise<void> {
    if (!this.ended) {
      this.observer.stats(await this.stats());
    }
  }

  /** End the call (the user hung up, the server did, or it failed); idempotent. */
  end(state: "ended" | "failed", detail: string): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    window.clearInterval(this.statsTimer);
    void this.reportFinalStats().finally(() => {
      this.channel.close();
      this.pc.close();
      for (const track of this.microphone.getTracks()) {
        track.stop();
      }
      this.observer.state(state, detail);
    });
  }

  private async reportFinalStats(): Promise<void> {
    if (this.pc.connectionState !== "closed") {
      this.observer.stats(await this.stats());
    }
  }

  hangUp(): void {
    this.end("ended", "you hung up");
  }
}
