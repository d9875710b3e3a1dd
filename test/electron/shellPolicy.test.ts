// Issue 13 §6: the shell's permission handler, external-link allow-list and devtools rule,
// run without the Electron binary (electron/shell/policy.ts is what main.ts wires).
import { describe, expect, it } from 'vitest';
import { allowPermissionCheck, allowPermissionRequest, devToolsAllowed, externalLinkAllowed } from '../../electron/shell/policy';

const APP = 'file:///opt/motcua-xa/resources/app.asar/dist/renderer/index.html';
const isApp = (u: string) => u.split('#')[0] === APP;

describe('shell permission handler', () => {
  it('grants only video capture, only to the app’s own top frame', () => {
    expect(allowPermissionRequest('media', { mediaTypes: ['video'], requestingUrl: APP, isMainFrame: true }, isApp)).toBe(true);
    expect(allowPermissionRequest('media', { mediaTypes: ['video'], requestingUrl: `${APP}#/tiep-nhan` }, isApp)).toBe(true);
    // the microphone, alone or with the camera; an empty request
    expect(allowPermissionRequest('media', { mediaTypes: ['audio'], requestingUrl: APP }, isApp)).toBe(false);
    expect(allowPermissionRequest('media', { mediaTypes: ['video', 'audio'], requestingUrl: APP }, isApp)).toBe(false);
    expect(allowPermissionRequest('media', { mediaTypes: [], requestingUrl: APP }, isApp)).toBe(false);
    // any other origin or page, a sub-frame
    for (const u of ['https://evil.example/', 'file:///tmp/x.html', 'http://127.0.0.1:8080/', 'app://other/index.html']) {
      expect(allowPermissionRequest('media', { mediaTypes: ['video'], requestingUrl: u }, isApp)).toBe(false);
    }
    expect(allowPermissionRequest('media', { mediaTypes: ['video'], requestingUrl: APP, isMainFrame: false }, isApp)).toBe(false);
    // every other permission
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'fullscreen', 'midi', 'hid', 'serial', 'usb']) {
      expect(allowPermissionRequest(p, { mediaTypes: ['video'], requestingUrl: APP }, isApp)).toBe(false);
    }
  });

  it('answers permission checks the same way', () => {
    expect(allowPermissionCheck('media', { mediaType: 'video', requestingUrl: APP }, isApp)).toBe(true);
    expect(allowPermissionCheck('media', { mediaType: 'audio', requestingUrl: APP }, isApp)).toBe(false);
    expect(allowPermissionCheck('media', { mediaType: 'video', requestingUrl: 'https://evil.example/' }, isApp)).toBe(false);
    expect(allowPermissionCheck('geolocation', { requestingUrl: APP }, isApp)).toBe(false);
  });
});

describe('external links', () => {
  const hub = ['https://hub.tinh.gov.vn:8443'];
  it('open only the hub’s https address', () => {
    expect(externalLinkAllowed('https://hub.tinh.gov.vn:8443/huong-dan', hub)).toBe(true);
    for (const u of [
      'https://hub.tinh.gov.vn/huong-dan', // another port = another origin
      'https://evil.example/',
      'http://hub.tinh.gov.vn:8443/',
      'https://user:pass@hub.tinh.gov.vn:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:privacy',
      'not a url',
    ]) {
      expect(externalLinkAllowed(u, hub), u).toBe(false);
    }
    expect(externalLinkAllowed('https://hub.tinh.gov.vn:8443/', [])).toBe(false);
    expect(externalLinkAllowed('http://127.0.0.1:8080/', ['http://127.0.0.1:8080'])).toBe(false); // never plain http
  });
});

describe('devtools', () => {
  it('are off in a packaged app', () => {
    expect(devToolsAllowed(true)).toBe(false);
    expect(devToolsAllowed(false)).toBe(true);
  });
});

import { updateFeedUrl } from '../../electron/shell/updates';

describe('update feed address', () => {
  it('is the enrolled hub’s /updates/<platform>/ over https, nothing otherwise', () => {
    expect(updateFeedUrl('https://hub.tinh.gov.vn:8443', 'win32')).toBe('https://hub.tinh.gov.vn:8443/updates/win/');
    expect(updateFeedUrl('https://hub.tinh.gov.vn/some/path', 'linux')).toBe('https://hub.tinh.gov.vn/updates/linux/');
    expect(updateFeedUrl('http://127.0.0.1:8080', 'win32')).toBeNull();
    expect(updateFeedUrl(null, 'win32')).toBeNull();
    expect(updateFeedUrl('https://hub.tinh.gov.vn', 'darwin')).toBeNull();
  });
});
