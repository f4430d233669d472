/**
 * The console (packages/web), deployed as an SST StaticSite behind the CDN's Router at `/`: Vite
 * builds it with the API's URL, the issuer and the console's client id injected as VITE_* variables
 * (the names are the manifest's, shared with the offline `npm run dev`).
 */
import { api } from "./api";
import { auth } from "./auth";
import { cdn } from "./cdn";
import { manifest } from "./manifest";

const { env } = manifest.web;

export const site = new sst.aws.StaticSite(manifest.web.name, {
  path: manifest.web.path,
  build: { command: "npm run build", output: "dist" },
  environment: {
    [env.apiUrl]: api.url,
    [env.issuer]: auth.issuer,
    [env.clientId]: auth.webClientId ?? "",
    [env.scopes]: auth.webScopes,
  },
  // The console routes on the client: unknown paths (e.g. /callback) get index.html.
  errorPage: "index.html",
  router: { instance: cdn },
});
