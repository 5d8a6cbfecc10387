import type { Express } from 'express';

/** The part of express 5's router (the `router` package, 2.x) that names what an app answers. */
interface RouteLayer {
  route: { path: unknown; methods: Record<string, boolean> };
}
interface RouterLayer {
  rawPath: unknown;
  handle: { stack: unknown[] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isRouteLayer = (l: unknown): l is RouteLayer => isObject(l) && isObject(l.route) && isObject(l.route.methods);
const isRouterLayer = (l: unknown): l is RouterLayer => isObject(l) && typeof l.handle === 'function' && Array.isArray((l.handle as { stack?: unknown }).stack);

/**
 * Every route of the app as "METHOD /path" (e.g. "POST /api/cases/:id/assignees"), read from the
 * router stack with nested routers followed, in the order express matches them. Plain middleware
 * (static files, the /api 404) is not a route and is not listed. A route express could answer but
 * this walk cannot name (a RegExp or array path, `all`) throws, so it cannot slip past a caller.
 */
export function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: unknown[], prefix: string) => {
    for (const layer of stack) {
      if (isRouteLayer(layer)) {
        const { path, methods } = layer.route;
        if (typeof path !== 'string') throw new Error(`a route with a non-string path under "${prefix || '/'}": ${String(path)}`);
        for (const [method, on] of Object.entries(methods)) {
          if (!on) continue;
          if (method === '_all') throw new Error(`app.all() route ${prefix}${path}: name its methods`);
          out.push(`${method.toUpperCase()} ${prefix}${path}`);
        }
      } else if (isRouterLayer(layer)) {
        if (typeof layer.rawPath !== 'string') throw new Error(`a router mounted on a non-string path under "${prefix || '/'}"`);
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app.router as unknown as { stack: unknown[] }).stack, '');
  return out;
}
