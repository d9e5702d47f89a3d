/**
 * "Create pull request" for a verified fix: the command the chat's diff cards and the
 * investigation panel's fix-forward call, plus "Hotpath: Set GitHub Token" (SecretStorage).
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { createPullRequest, DEFAULT_GITHUB_API, PullRequestError, type PullRequestResult } from '../../core/pr/pr';
import { workspaceRoot } from '../chat/toolContext';

export const CREATE_PULL_REQUEST_COMMAND = 'hotpath.createPullRequest';
const GITHUB_TOKEN_SECRET = 'hotpath.github.token';

const suspectSchema = z.object({ hash: z.string(), subject: z.string().optional(), author: z.string().optional(), email: z.string().optional(), login: z.string().optional() });
/** The command's argument; validated because any extension can execute a command. */
const argsSchema = z.object({
  patch: z.string().min(1),
  report: z.object({
    baseline: z.array(z.number()).min(1),
    candidate: z.array(z.number()).min(1),
    baselineMedian: z.number(),
    candidateMedian: z.number(),
    relativeChange: z.number(),
    ci: z.tuple([z.number(), z.number()]),
    pValue: z.number(),
    verdict: z.enum(['faster', 'slower', 'no significant change']),
    stopReason: z.string(),
    bench: z.string(),
    base: z.string(),
    unit: z.literal('ms'),
  }),
  context: z
    .object({
      rationale: z.string().optional(),
      skill: z.string().optional(),
      evidence: z.array(z.object({ function: z.string(), file: z.string().optional(), line: z.number().int().min(1).optional(), selfShare: z.number().optional(), totalShare: z.number().optional(), profile: z.string().optional() })).optional(),
      regression: z.object({ summary: z.string(), url: z.string().optional(), suspect: suspectSchema.optional() }).optional(),
    })
    .optional(),
  /** The repository; default the workspace folder. */
  repoDir: z.string().optional(),
});
export type CreatePullRequestArgs = z.infer<typeof argsSchema>;

export function registerPullRequests(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(CREATE_PULL_REQUEST_COMMAND, async (raw: unknown): Promise<PullRequestResult | undefined> => {
      const parsed = argsSchema.safeParse(raw);
      if (!parsed.success) {
        void vscode.window.showErrorMessage(`Hotpath: Create Pull Request needs a verified fix (a patch and its benchmark report): ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
        return undefined;
      }
      const args = parsed.data;
      const repoDir = args.repoDir ?? workspaceRoot();
      if (!repoDir) {
        void vscode.window.showErrorMessage('Hotpath: open the repository as a workspace folder to create a pull request.');
        return undefined;
      }
      if (args.report.verdict !== 'faster') {
        const go = await vscode.window.showWarningMessage(`The benchmark did not show this fix as faster (${args.report.verdict}). Create the pull request anyway?`, { modal: true }, 'Create Pull Request');
        if (go !== 'Create Pull Request') return undefined;
      }
      const config = vscode.workspace.getConfiguration('hotpath.github');
      const token = (await context.secrets.get(GITHUB_TOKEN_SECRET)) || undefined;
      let result: PullRequestResult;
      try {
        result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Hotpath: creating the pull request…' }, () =>
          createPullRequest({
            repoDir,
            patch: args.patch,
            report: args.report,
            context: args.context,
            remote: config.get<string>('remote') || undefined,
            base: config.get<string>('base') || undefined,
            apiUrl: config.get<string>('apiUrl') || DEFAULT_GITHUB_API,
            token,
          }),
        );
      } catch (e) {
        const message = e instanceof PullRequestError ? e.message : `unexpected failure: ${e instanceof Error ? e.message : e}`;
        log.error(`pull request: ${message}`);
        void vscode.window.showErrorMessage(`Hotpath: ${message}`);
        return undefined;
      }
      log.info(`pull request: branch ${result.branch} (${result.commit}) pushed to ${result.remote}${result.opened ? `, opened ${result.url}` : ''}`);
      for (const w of result.warnings) log.warn(`pull request: ${w}`);
      if (result.opened) {
        void vscode.window.showInformationMessage(`Hotpath opened pull request #${result.number} from ${result.branch}.`, 'Open').then((pick) => pick && vscode.env.openExternal(vscode.Uri.parse(result.url!)));
      } else {
        // Without a token the user opens it by hand: the description goes into an editor to copy.
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `<!-- branch: ${result.branch} → ${result.base} on ${result.remote} -->\n# ${result.title}\n\n${result.body}` });
        await vscode.window.showTextDocument(doc, { preview: false });
        const actions = result.compareUrl ? ['Open on GitHub', 'Set GitHub Token'] : ['Set GitHub Token'];
        void vscode.window.showInformationMessage(`Hotpath pushed ${result.branch}. No GitHub token is set, so open the pull request by hand with the description shown.`, ...actions).then((pick) => {
          if (pick === 'Open on GitHub') void vscode.env.openExternal(vscode.Uri.parse(result.compareUrl!));
          else if (pick === 'Set GitHub Token') void vscode.commands.executeCommand('hotpath.setGitHubToken');
        });
      }
      return result;
    }),
    vscode.commands.registerCommand('hotpath.setGitHubToken', async () => {
      const token = await vscode.window.showInputBox({
        title: 'Hotpath: GitHub token',
        prompt: 'A token allowed to open pull requests (repo scope or "Pull requests: write"). Stored in VS Code SecretStorage, never in settings. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (token === undefined) return;
      if (token.trim() === '') {
        await context.secrets.delete(GITHUB_TOKEN_SECRET);
        void vscode.window.showInformationMessage('Hotpath: GitHub token removed.');
      } else {
        await context.secrets.store(GITHUB_TOKEN_SECRET, token.trim());
        void vscode.window.showInformationMessage('Hotpath: GitHub token stored.');
      }
    }),
  );
}
