/**
 * The speedscope webview's HTML: speedscope's own release page (copied into dist/speedscope by
 * esbuild.mjs) with our bootstrap script in front and a strict CSP.
 */
import { newNonce } from '../profiles/webviewHtml';

/** The hashed asset names of the speedscope release, read from its index.html. */
export interface SpeedscopeRelease {
  script: string;
  style: string;
}

export function releaseAssets(indexHtml: string): SpeedscopeRelease {
  const script = /<script[^>]*\ssrc="(speedscope-[\w-]+\.js)"/.exec(indexHtml)?.[1];
  const style = /<link[^>]*\shref="(speedscope-[\w-]+\.css)"/.exec(indexHtml)?.[1];
  if (!script || !style) throw new Error('speedscope release index.html: expected a speedscope-*.js script and a speedscope-*.css stylesheet');
  return { script, style };
}

export interface SpeedscopePageAssets {
  /** `webview.cspSource` of the panel. */
  cspSource: string;
  /** Webview URIs of the bootstrap script, speedscope's script and its stylesheet. */
  bootstrapUri: string;
  scriptUri: string;
  styleUri: string;
  /** Defaults to 16 fresh random bytes. */
  nonce?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Scripts run only by nonce (ours, then speedscope's). speedscope's CSS-in-JS creates <style>
 * elements; the bootstrap stamps each with the nonce before insertion, so style-src needs no
 * 'unsafe-inline'. 'wasm-unsafe-eval' (WebAssembly compilation only, no JS eval) and connect-src
 * to our own files let speedscope load its JFR decoder (jfrview_bg-*.wasm) from dist/speedscope.
 */
export function speedscopeCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `connect-src ${cspSource}`,
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
  ].join('; ');
}

export function speedscopeHtml(assets: SpeedscopePageAssets): string {
  const nonce = assets.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(speedscopeCsp(assets.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>speedscope</title>
<link rel="stylesheet" href="${escapeAttr(assets.styleUri)}">
</head>
<body>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(assets.bootstrapUri)}"></script>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(assets.scriptUri)}"></script>
</body>
</html>`;
}
