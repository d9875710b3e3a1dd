// Where the packaged app looks for updates (issue 13 §7): the province hub it is enrolled
// with serves the feed (server/updates.ts), so communes update from their own province. Not
// enrolled: build.publish's address. Plain Node, tested without the Electron binary.

/** The generic-provider feed folder on the hub for this platform, or null (not enrolled, not https). */
export function updateFeedUrl(hubUrl: string | null | undefined, platform: NodeJS.Platform): string | null {
  if (!hubUrl) return null;
  let u: URL;
  try {
    u = new URL(hubUrl);
  } catch {
    return null;
  }
  // The feed's own integrity is the sha512 in latest.yml and, on Windows, the publisher's
  // signature; https keeps the feed itself from being replaced on the way.
  if (u.protocol !== 'https:') return null;
  const folder = platform === 'win32' ? 'win' : platform === 'linux' ? 'linux' : null;
  if (!folder) return null;
  return new URL(`/updates/${folder}/`, u.origin).toString();
}
