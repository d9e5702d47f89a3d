/**
 * `/regressions` and `/investigate` answer from the Regressions feature (its connection to the
 * profile service, configured or started locally), read through its `hotpath.regressions.state`
 * command. Pure, so the replies are unit-tested without VS Code.
 */
import type { RegressionsState } from '../regressions/regressions';

export interface Reply {
  markdown: string;
  buttons: { command: string; title: string; arguments?: unknown[] }[];
  /** A regression to open in the investigation panel now. */
  investigate?: number;
}

export const NOT_CONFIGURED: Reply = {
  markdown: 'No profile service is configured in this editor, so there are no regressions to read. Set `hotpath.service.url` (or leave it empty for the local service) and ask again.',
  buttons: [],
};

const investigateButton = (id: number) => ({ command: 'hotpath.investigateRegression', title: `Investigate #${id}`, arguments: [id] });

function notReady(state: RegressionsState): Reply | undefined {
  if (state.connection === 'ready') return undefined;
  const why = state.connection === 'connecting' ? 'is still connecting; ask again in a moment' : 'could not be reached (see the Hotpath log)';
  return { markdown: `The profile service ${why}.`, buttons: [{ command: 'hotpath.configureService', title: 'Configure Service…' }] };
}

export function regressionsReply(state: RegressionsState | undefined): Reply {
  if (!state) return NOT_CONFIGURED;
  const unavailable = notReady(state);
  if (unavailable) return unavailable;
  if (state.open.length === 0) return { markdown: 'No open regressions: the profile service has found no lasting slowdown.', buttons: [] };
  const n = state.open.length;
  return {
    markdown: `${n} open regression${n === 1 ? '' : 's'}:\n\n${state.open.map((r) => `- **#${r.id}** ${r.headline}`).join('\n')}\n\nAsk \`/investigate #id\` for one's timeline, suspects and analysis.\n\n`,
    buttons: state.open.slice(0, 5).map((r) => investigateButton(r.id)),
  };
}

export function investigateReply(state: RegressionsState | undefined, id: number | undefined): Reply {
  if (!state) return NOT_CONFIGURED;
  const unavailable = notReady(state);
  if (unavailable) return unavailable;
  const target = id === undefined ? (state.open.length === 1 ? state.open[0] : undefined) : state.open.find((r) => r.id === id);
  if (id === undefined && !target) {
    if (state.open.length === 0) return { markdown: 'No open regressions; there is nothing to investigate.', buttons: [] };
    return { markdown: `Which one? Ask \`/investigate #id\`:\n\n${state.open.map((r) => `- **#${r.id}** ${r.headline}`).join('\n')}\n\n`, buttons: state.open.slice(0, 5).map((r) => investigateButton(r.id)) };
  }
  const regression = target?.id ?? id!;
  const headline = target ? `**#${regression}** ${target.headline}` : `**#${regression}** (not among the open regressions; it may be acknowledged or fixed)`;
  return {
    markdown: `Opening the investigation of ${headline}: the timeline with the change point, the differential flame graph before vs after, the ranked suspect commits and the analysis.\n\n`,
    buttons: [investigateButton(regression)],
    investigate: regression,
  };
}
