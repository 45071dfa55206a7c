import { Agent, request } from 'node:http';

/** A keep-alive `node:http` client for one server (one socket, sequential requests). */
export function keepAliveClient(base: string) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: 'GET' | 'POST', path: string, payload?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers =
        payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
      const req = request({ agent, host: url.hostname, port: url.port, path, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  return {
    post: async (payload: string) => (await send('POST', url.pathname, payload)).text,
    health: async () => (await send('GET', '/health')).status,
    close: () => agent.destroy(),
  };
}
