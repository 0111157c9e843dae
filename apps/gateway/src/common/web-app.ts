import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Paths the web app never answers: the API (and its docs), Bull Board, the probes. */
export const NOT_THE_WEB_APP = /^\/(api|admin|health|metrics)(\/|$)/;

/**
 * The dashboard's Content-Security-Policy, on its pages (the API's answers are JSON; Swagger UI and Bull Board keep
 * their own inline scripts, so helmet's global policy is off). Scripts, styles, data and frames only from this origin;
 * inline style attributes are allowed because ECharts' tooltips are HTML with inline styles; images also as data: and
 * blob: (the favicon, a CSV download's link). A page never embeds us (frame-ancestors), nor posts a form elsewhere.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web dashboard (apps/web, built by vite into `dir`) at `/`: its assets (vite names each by its content's hash, so a
 * name never changes content) cached for a year, a missing one a 404; index.html revalidated on every load (a deploy
 * takes effect at once), and every other GET that asks for a page answered with it, so the app's router takes the path
 * (a reload of /compare works). The API, Bull Board, /health and /metrics are untouched:
 * their unknown paths still answer the API's JSON 404.
 */
export function serveWebApp(app: INestApplication, dir: string): boolean {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebApp').log(`no web app at ${root} (npm run build writes it): / serves nothing`);
    return false;
  }
  const express = app as NestExpressApplication;
  express.useStaticAssets(join(root, 'assets'), {
    prefix: '/assets',
    index: false,
    redirect: false,
    fallthrough: false,
    setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
  });
  express.use((req: Request, res: Response, next: NextFunction) => {
    if (!['GET', 'HEAD'].includes(req.method) || NOT_THE_WEB_APP.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', WEB_APP_CSP);
    res.sendFile(index, (e) => e && next(e));
  });
  return true;
}
