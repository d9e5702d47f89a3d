/** vscode-free: what a fix-forward pull request says about its regression. */
import type { EditProposal } from '../../core/edits/proposal';
import type { PullRequestContext } from '../../core/pr/description';
import type { Investigation } from '../../../webview/investigation/protocol';

/** The PR context of a fix-forward: the regression, the top suspect (its author reviews), the hot function. */
export function fixForwardContext(edit: EditProposal, investigation: Investigation, serviceUrl: string): PullRequestContext {
  const top = investigation.suspects[0];
  // A loopback service is private to this machine; its link would be dead for reviewers.
  const shared = !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/i.test(serviceUrl);
  return {
    rationale: edit.rationale,
    skill: edit.skill,
    evidence: [{ function: investigation.function.name, file: investigation.function.file, line: investigation.function.line >= 1 ? investigation.function.line : undefined }],
    regression: {
      summary: investigation.headline,
      url: shared ? `${serviceUrl.replace(/\/+$/, '')}/api/v1/regressions/${investigation.id}` : undefined,
      suspect: top ? { hash: top.sha, subject: top.subject, author: top.author } : undefined,
    },
  };
}
