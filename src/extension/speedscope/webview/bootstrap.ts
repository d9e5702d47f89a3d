/**
 * Runs in the speedscope webview before speedscope's own script (both by nonce). It makes
 * speedscope's release work under the strict CSP and feeds it the profile from the host:
 * - speedscope's CSS-in-JS creates <style> elements; each gets our nonce before insertion;
 * - the `#localProfilePath=` hash makes speedscope expose `window.speedscope.loadFileFromBase64`
 *   (its loader for local files); the file:// script it then tries to add is refused by the CSP,
 *   and the bytes arrive by postMessage instead;
 * - speedscope reports failures with alert(), which a webview swallows; we forward them.
 */
import { parseToSpeedscope, type FromSpeedscope } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

interface SpeedscopeGlobal {
  loadFileFromBase64(name: string, base64: string): void;
}

const host = acquireVsCodeApi();
const post = (message: FromSpeedscope) => host.postMessage(message);
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

const createElement = document.createElement.bind(document);
document.createElement = ((tagName: string, options?: ElementCreationOptions) => {
  const element = createElement(tagName, options);
  if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
  return element;
}) as typeof document.createElement;

let failed = false;
const fail = (message: string) => {
  failed = true;
  post({ type: 'failed', message });
};
window.alert = (message?: unknown) => fail(String(message));

history.replaceState(null, '', `${location.pathname}${location.search}#localProfilePath=hotpath`);

const speedscope = () => (window as unknown as { speedscope?: SpeedscopeGlobal }).speedscope;

/** Calls `done` once `ready()` holds, checking every animation frame. */
function when(ready: () => boolean, done: () => void): void {
  const check = () => (ready() ? done() : requestAnimationFrame(check));
  check();
}

when(
  () => speedscope() !== undefined,
  () => post({ type: 'ready' }),
);

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseToSpeedscope(event.data);
  if (!parsed.ok) {
    console.warn(`hotpath speedscope view: ${parsed.error}`);
    return;
  }
  const titleBefore = document.title;
  speedscope()!.loadFileFromBase64(parsed.message.name, parsed.message.base64);
  // speedscope sets the document title once it has imported the profile, then draws its chart
  when(
    () => failed || document.title !== titleBefore || /Something went wrong/.test(document.body.innerText),
    () => {
      if (failed) return;
      if (document.title === titleBefore) return fail(`speedscope could not import ${parsed.message.name}`);
      const canvas = document.querySelector('canvas');
      post({ type: 'shown', title: document.title, width: canvas?.width ?? 0, height: canvas?.height ?? 0 });
    },
  );
});
