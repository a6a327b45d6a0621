import type { RequestHandler } from 'express';

/**
 * What the dashboard needs and nothing more: its own scripts (ECharts from its npm package, app.js is a
 * module), its own styles plus inline style attributes (the charts and the attainment bars set
 * them), data: images (the favicon, chart snapshots), API calls to its own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every response (dashboard, API JSON, problems): no framing (clickjacking),
 * no MIME sniffing (a JSON answer quoting user text is never run as HTML), no referrer (the
 * dashboard URL may carry a key in its fragment; fragments are not sent, but paths may name things).
 */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  };
}
