/**
 * Requests to the browser driver (test/vscode/driver.js) for what the extension host cannot do
 * itself: a screenshot of the workbench, a click inside a webview, the text a webview shows. The
 * run's sandbox (run.sh passes the results file inside it) holds the request, so concurrent runs
 * stay apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from './poll';

function sandbox(): string {
  const results = process.env.HOTPATH_VSHOST_RESULTS;
  if (!results) throw new Error('HOTPATH_VSHOST_RESULTS is not set: this suite runs under test/vscode/run.sh, whose driver answers these requests');
  return path.dirname(results);
}

async function ask(request: Record<string, string>, answer: string, what: string): Promise<string | undefined> {
  fs.rmSync(answer, { force: true });
  fs.writeFileSync(path.join(sandbox(), 'driver-request.json'), JSON.stringify(request));
  const text = await until(what, async () => (fs.existsSync(answer) ? fs.readFileSync(answer, 'utf8') : undefined), async () => ({ request }), 30_000);
  fs.rmSync(answer, { force: true });
  const reply = JSON.parse(text) as { error?: string; text?: string | null };
  if (reply.error) throw new Error(`${what}: ${reply.error}`);
  return reply.text ?? undefined;
}

const answerFile = () => path.join(sandbox(), 'driver-answer.json');

/** A screenshot of the whole workbench, saved at `file`. */
export async function screenshot(file: string): Promise<void> {
  await ask({ path: file }, `${file}.done`, `the screenshot ${path.basename(file)}`);
}

/** A real mouse click on the first element `selector` matches, in the webview frame that has one. */
export async function click(selector: string): Promise<void> {
  await ask({ click: selector, answer: answerFile() }, answerFile(), `a click on ${selector}`);
}

/** The text of the first element `selector` matches, in the webview frame that has one. */
export async function text(selector: string): Promise<string> {
  return (await ask({ text: selector, answer: answerFile() }, answerFile(), `the text of ${selector}`)) ?? '';
}
