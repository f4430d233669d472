/**
 * The CLI's loopback JSON-RPC 1.0 server (`SST_SERVER`, `POST /rpc`) that SST's components call
 * during a deploy. Answers the methods this stack's components send; any other is answered as
 * the Go server answers an unknown method, and recorded as an error of the synth.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildHandler, type BuildInput } from "./runtime-build";

export interface RpcCall {
  method: string;
  params: unknown;
}

export interface RpcOptions {
  artifactsDir: string;
  /** Called for each call, answered or not. */
  onCall: (call: RpcCall, answered: boolean) => void;
}

type Handler = (params: any) => unknown;

export async function startRpcServer({ artifactsDir, onCall }: RpcOptions) {
  const methods: Record<string, Handler> = {
    // The bootstrap stack the CLI keeps per region: an asset bucket, the state bucket, AppSync for `sst dev`.
    "Provider.Aws.Bootstrap": ({ region }: { region: string }) => ({
      asset: `sst-asset-synth-${region}`,
      assetEcrRegistryId: "123456789012",
      assetEcrUrl: `123456789012.dkr.ecr.${region}.amazonaws.com/sst-asset`,
      state: `sst-state-synth-${region}`,
      appsyncHttp: `synth.appsync-api.${region}.amazonaws.com`,
      appsyncRealtime: `synth.appsync-realtime-api.${region}.amazonaws.com`,
    }),
    "Provider.Aws.Appsync": () => ({ id: "synth-appsync", http: "synth.appsync-api", realtime: "synth.appsync-realtime-api" }),
    "Runtime.Build": (input: BuildInput) => buildHandler(input, artifactsDir),
    // `sst dev` registers each live function with the CLI, which then runs it locally.
    "Runtime.AddTarget": () => ({}),
  };

  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const { method, params } = JSON.parse(body) as { method: string; params: unknown[] };
      const call = { method, params: params[0] };
      const handler = methods[method];
      onCall(call, Boolean(handler));
      const reply = (payload: object) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (!handler) return reply({ result: null, error: `rpc: can't find method ${method}` });
      try {
        reply({ result: await handler(params[0]), error: null });
      } catch (error) {
        reply({ result: null, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The program is done when only this server is left: it must not keep the event loop alive.
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
