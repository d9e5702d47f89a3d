/**
 * The profile webview's HTML: a strict CSP that allows only our script (by nonce) and our
 * stylesheet, and no data at all; the profile arrives by postMessage after `ready`.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewAssets {
  /** `webview.cspSource` of the panel. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Defaults to 16 fresh random bytes. */
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function profileViewHtml(assets: WebviewAssets): string {
  const nonce = assets.nonce ?? newNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${assets.cspSource} data:`,
    `style-src ${assets.cspSource}`,
    `font-src ${assets.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(assets.styleUri)}">
<title>Hotpath profile</title>
</head>
<body>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(assets.scriptUri)}"></script>
</body>
</html>`;
}
