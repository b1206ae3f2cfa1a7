import {EventEmitter} from 'node:events';
delete process.env['CI'];
process.env['NODE_ENV'] = 'production';
const React = (await import('react')).default;
const {render} = await import('ink');
const {App} = await import('../source/ui/app.js');
const {createStore} = await import('../source/store/store.js');
const {bigState, crashState} = await import('../test/ui/states.js');
const {defaultFindingOptions} = await import('../source/findings/index.js');
class T extends EventEmitter { isTTY = true; columns = 200; rows = 60; n = 0; write = (s: string) => { this.n++; return true; }; }
class K extends EventEmitter { isTTY = true; read = () => null; setEncoding() {} setRawMode() {} resume() {} pause() {} ref() {} unref() {} }
const tty = new T();
const store = createStore(process.env.SETTLED ? crashState() : bigState(64, 8));
for (let i = 0; i < 5000; i++) store.pushLine({pod: `ds-r1-${i % 30}`, container: 'main', at: Date.now(), text: `vm:964:964 [${i % 8}] NCCL INFO Channel 0${i % 4}/0 : ${i % 8}[${i % 8}] -> ${(i + 1) % 8}[1] via P2P/CUMEM/read`, proc: null});
let renders = 0; let renderMs = 0;
render(React.createElement(App, {store, title: {kind: 'kubernetes'}, color: true, ascii: false, findingOptions: defaultFindingOptions, live: true, stdout: tty as never, onQuit: () => {}, interactive: true}), {stdout: tty as never, stdin: new K() as never, exitOnCtrlC: false, patchConsole: false, maxFps: 30, onRender: m => { renders++; renderMs += m.renderTime; }});
await new Promise(r => setTimeout(r, 3000));
const r0 = renders; const ms0 = renderMs; const c0 = process.cpuUsage();
const ms = Number(process.env.IDLE_MS ?? 10000);
await new Promise(r => setTimeout(r, ms));
const c = process.cpuUsage(c0);
console.log('renders', renders - r0, 'ink renderMs', (renderMs - ms0).toFixed(1), 'cpu ms', ((c.user + c.system) / 1000).toFixed(0), 'pct', (((c.user + c.system) / 1000) / ms * 100).toFixed(2));
process.exit(0);
