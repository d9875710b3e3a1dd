// The Electron shell's security decisions as plain functions (issue 13 §6), so that tests run
// them without the Electron binary; main.ts only wires them to Electron's hooks.
//  - permissions: only video capture (the document camera) from the app's own page;
//  - external links: only to an allow-list of origins (the province hub's address);
//  - devtools: only in a development run, never in a packaged app.

/** The parts of Electron's permission request details the decision reads. */
export interface PermissionDetails {
  requestingUrl?: string;
  mediaTypes?: string[];
  mediaType?: string;
  isMainFrame?: boolean;
}

/**
 * setPermissionRequestHandler: grants `media` only when every requested type is video (no
 * microphone, no screen) and the request comes from the app's own top frame.
 */
export function allowPermissionRequest(permission: string, details: PermissionDetails, isAppUrl: (url: string) => boolean): boolean {
  if (permission !== 'media') return false;
  const types = details.mediaTypes ?? [];
  if (types.length === 0 || !types.every((t) => t === 'video')) return false;
  if (details.isMainFrame === false) return false;
  return typeof details.requestingUrl === 'string' && isAppUrl(details.requestingUrl);
}

/**
 * setPermissionCheckHandler (Chromium asks before it enumerates devices or shows a capture
 * prompt): the same rule; a check for audio, or from any other page, is refused.
 */
export function allowPermissionCheck(permission: string, details: PermissionDetails, isAppUrl: (url: string) => boolean): boolean {
  if (permission !== 'media') return false;
  if (details.mediaType !== undefined && details.mediaType !== 'video') return false;
  return typeof details.requestingUrl === 'string' && isAppUrl(details.requestingUrl);
}

/**
 * Whether a link may open in the system browser: an https address whose origin is in
 * `allowedOrigins` (the hub's address as enrolled), nothing else (no other site, no file:,
 * no custom scheme, no credentials in the address).
 */
export function externalLinkAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  const allowed = new Set(
    allowedOrigins.flatMap((o) => {
      try {
        const a = new URL(o);
        return a.protocol === 'https:' ? [a.origin] : [];
      } catch {
        return [];
      }
    }),
  );
  return allowed.has(u.origin);
}

/** Devtools are for a development run only. */
export function devToolsAllowed(isPackaged: boolean): boolean {
  return !isPackaged;
}
