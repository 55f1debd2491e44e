import { type IncomingHttpHeaders, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers the request numbered `index` (from 0): a status, or never. */
export type Answer = (request: Received, index: number) => number | "hang";

/** A local HTTP receiver on 127.0.0.1 and a free port, recording every request. */
export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  close(): Promise<void>;
}

/** Starts a {@link Receiver}; it answers 200 unless `answer` says otherwise. */
export async function startReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const requests: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const received: Received = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
      };
      const index = requests.length;
      requests.push(received);
      const status = answer(received, index);
      if (status === "hang") {
        hanging.push(response);
        return;
      }
      response.writeHead(status, { "Content-Type": "text/plain" }).end(`status ${status}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
