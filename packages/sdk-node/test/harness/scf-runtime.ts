/**
 * Child side of the cloud-function harness: one process is one function instance. It loads the
 * function module once (the cold start), then runs `main(event, context)` for every invocation the
 * harness sends over IPC, the way the CloudBase Node runtime does.
 */
export {};
type Main = (event: unknown, context: Record<string, unknown>) => unknown;
type Invoke = { type: 'invoke'; id: number; event: unknown; context: Record<string, unknown> };

const modulePath = process.env.HARNESS_FN_MODULE ?? '';
const send = (msg: unknown): void => {
  process.send?.(msg);
};

const loadStart = performance.now();
const mod = (await import(modulePath)) as { main?: Main; default?: { main?: Main } };
const main = mod.main ?? mod.default?.main;
if (typeof main !== 'function') throw new Error(`${modulePath} exports no main`);
send({ type: 'ready', loadMs: performance.now() - loadStart });

process.on('message', (raw) => {
  const msg = raw as Invoke;
  if (msg.type !== 'invoke') return;
  Promise.resolve()
    .then(() => main(msg.event, msg.context))
    .then(
      (value) => send({ type: 'result', id: msg.id, ok: true, value: value === undefined ? null : value }),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        send({ type: 'result', id: msg.id, ok: false, error: { name: e.name, message: e.message } });
      },
    );
});
