// The screens and their addresses (#/list, #/dossier/<id>, …): one table both ways.
export type Route =
  | { name: 'intake' }
  | { name: 'list' }
  | { name: 'detail'; id: string }
  | { name: 'catalogue' }
  | { name: 'holidays' }
  | { name: 'review' }
  | { name: 'guidance' }
  | { name: 'settings' }
  | { name: 'sync' };

type Simple = Exclude<Route['name'], 'detail'>;

const PATHS: Record<Simple, string> = {
  intake: '/tiep-nhan',
  list: '/ho-so',
  catalogue: '/thu-tuc',
  holidays: '/ngay-nghi',
  review: '/cho-duyet',
  guidance: '/mau-02',
  settings: '/cai-dat',
  sync: '/dong-bo',
};
const DETAIL = '/ho-so/';

export function routePath(r: Route): string {
  return r.name === 'detail' ? DETAIL + encodeURIComponent(r.id) : PATHS[r.name];
}

/** The screen for an address; an unknown address is the intake (the counter's first screen). */
export function routeFromPath(path: string): Route {
  if (path.startsWith(DETAIL)) {
    const id = safeDecode(path.slice(DETAIL.length));
    if (id && /^[0-9A-Za-z_-]{1,64}$/.test(id)) return { name: 'detail', id };
  }
  for (const [name, p] of Object.entries(PATHS) as [Simple, string][]) if (path === p) return { name };
  return { name: 'intake' };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
