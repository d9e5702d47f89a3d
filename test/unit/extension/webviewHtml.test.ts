import * as assert from 'node:assert/strict';
import { newNonce, profileViewHtml } from '../../../src/extension/profiles/webviewHtml';

describe('profile webview HTML', () => {
  const html = profileViewHtml({ cspSource: 'https://res.example', scriptUri: 'https://res.example/dist/webview.js', styleUri: 'https://res.example/dist/webview.css', nonce: 'abc123' });

  it('has a strict CSP: nothing by default, our script only by nonce, no inline styles or eval', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/res\.example\/dist\/webview\.js"><\/script>/);
  });

  it('carries no data: exactly one script element, with no inline body', () => {
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.match(html, /<script[^>]*><\/script>/);
  });

  it('makes a fresh random nonce each time', () => {
    const a = newNonce();
    assert.notEqual(a, newNonce());
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });
});
