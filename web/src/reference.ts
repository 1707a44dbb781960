// The API reference page: Redoc's standalone bundle (vendored into the build, loaded before this
// script) renders the contract the server publishes at /openapi.json.
interface RedocStandalone {
  init(
    specUrl: string,
    options: Record<string, unknown>,
    element: HTMLElement | null,
    callback?: (error?: unknown) => void,
  ): void;
}

declare const Redoc: RedocStandalone;

const root = document.getElementById("redoc");
Redoc.init(
  new URL("openapi.json", window.location.href).href,
  { expandResponses: "200", jsonSampleExpandLevel: 3, nativeScrollbars: true, hideHostname: false },
  root,
  (error?: unknown) => {
    // Redoc calls back once the document is rendered (or could not be): tests wait for this
    document.documentElement.dataset.rendered = error === undefined ? "true" : "error";
  },
);
document.documentElement.dataset.ready = "true";
export {};
