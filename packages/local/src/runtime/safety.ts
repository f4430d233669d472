/**
 * The runtime polls queues and writes tables: pointed at a real account by mistake it would consume
 * production messages (serverless-offline once did). Only loopback endpoints are accepted unless the
 * caller says otherwise, explicitly.
 */
export function assertEndpointAllowed(service: string, endpoint: string, allowRemote: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`the ${service} endpoint "${endpoint}" is not a URL`);
  }
  if (allowRemote || isLoopback(url.hostname)) return;
  throw new Error(
    `refusing the ${service} endpoint ${endpoint}: it is not on this machine. ` +
      "Pass --allow-remote (or allowRemote: true, or ALLOW_REMOTE_ENDPOINTS=1) if you really mean it.",
  );
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
