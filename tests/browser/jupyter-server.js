// A real Jupyter Server for the browser tests: Debian's python3-jupyter-server,
// started on a free loopback port with an empty token and the given root,
// its runtime, config and data in a temporary folder. Its /files/ route adds
// "Content-Security-Policy: ...; sandbox allow-scripts" to every file, so a
// page served there runs with an opaque origin.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PY = '/usr/bin/python3'; // Debian's, which has jupyter_server (a pyenv python3 on PATH may not)

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** Start it; resolves to { base (http://127.0.0.1:port), stop() }, or rejects with a message saying what to install. */
export async function startJupyter(root) {
  const probe = spawn(PY, ['-c', 'import jupyter_server'], { stdio: 'ignore' });
  const ok = await new Promise((r) => probe.on('exit', (c) => r(c === 0)));
  if (!ok) throw new Error(`${PY} cannot import jupyter_server: apt-get install python3-jupyter-server (scripts/setup.sh does)`);
  const home = mkdtempSync(join(tmpdir(), 'tt-jupyter-'));
  const port = await freePort();
  const server = spawn(PY, ['-m', 'jupyter_server', '--allow-root', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0', '--ServerApp.token=', '--ServerApp.password=', `--ServerApp.root_dir=${root}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: home, JUPYTER_RUNTIME_DIR: join(home, 'runtime'), JUPYTER_CONFIG_DIR: join(home, 'config'), JUPYTER_DATA_DIR: join(home, 'data') },
  });
  let log = '';
  server.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(home, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/status`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150 || server.exitCode !== null) {
      await stop();
      throw new Error(`jupyter_server did not start:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, stop };
}
