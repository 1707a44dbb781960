// Deliberate type errors: tsc must reject each line marked EXPECT-ERROR (and nothing else).
import createClient from "openapi-fetch";
import type { paths } from "./types";

type Tools = paths["/api/chatty-voice/tools"]["get"]["responses"][200]["content"]["application/json"];
type Sdp = paths["/api/realtime/webrtc"]["post"]["responses"][200]["content"]["application/sdp"];

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export async function wrong(): Promise<void> {
  const { data } = await client.GET("/api/version");
  if (data) {
    const apiVersion: number = data.apiVersion; // EXPECT-ERROR TS2322: a string, not a number
    void apiVersion;
  }
  await client.POST("/api/realtime/webrtc", {
    params: { header: { "X-CSRF-Token": "t" } },
    body: { sdp: 42 }, // EXPECT-ERROR TS2322: the offer is a string
  });
}

export const wrapped: Tools = { tools: [] }; // EXPECT-ERROR TS2353: a bare array, no envelope
export const answer: Sdp = { sdp: "v=0" }; // EXPECT-ERROR TS2322: the SDP answer is text
