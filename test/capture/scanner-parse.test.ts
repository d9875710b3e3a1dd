// Command construction and output parsing of both scanner drivers. The `test:` lines are
// real scanimage output from this machine; the epson2/fujitsu/hpaio/airscan samples are
// written in scanimage's listing format for those backends, and the WIA samples in the
// shape the script prints under PowerShell 5.1 (whose ConvertTo-Json writes a
// one-element array as a bare value). No Windows machine was available: replace the WIA
// samples with captures from a real counter PC when one is.
import { describe, expect, it } from 'vitest';
import { buildSaneScanArgs, parseSaneDeviceList, parseSaneOptions, saneErrorText, SANE_LIST_FORMAT } from '../../electron/services/scanner/sane';
import { buildWiaInvocation, parseWiaLine, wiaDeviceFromEvent, wiaErrorText, WIA_SCRIPT, WIA_FORMAT_PNG } from '../../electron/services/scanner/wia';
import { isSafeDeviceName } from '../../electron/services/scanner/driver';
import { platformScannerDriver } from '../../electron/services/scanner/index';

const SANE_L = `device \`test:0' is a Noname frontend-tester virtual device
device \`test:1' is a Noname frontend-tester virtual device
device \`hpaio:/usb/Deskjet_2130_series?serial=CN57K2F1XB' is a Hewlett-Packard Deskjet_2130_series all-in-one
device \`epson2:net:192.168.1.20' is a Epson PID 08BC flatbed scanner
device \`airscan:e0:Canon MF240 Series (network)' is a eSCL Canon MF240 Series ip=192.168.1.31
`;

const EPSON_OPTIONS = `
All options specific to device \`epson2:net:192.168.1.20':
  Scan Mode:
    --mode Lineart|Gray|Color [Lineart]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --depth 8|16 [inactive]
        Number of bits per sample.
    --halftoning None|Halftone A (Hard Tone)|Halftone B (Soft Tone) [None]
        Selects the halftone.
    --resolution 75|150|300|600|1200dpi [75]
        Sets the resolution of the scanned image.
  Advanced:
    --source Flatbed|Automatic Document Feeder [Flatbed]
        Selects the scan source (such as a document-feeder).
`;

const FUJITSU_OPTIONS = `
  Standard:
    --source ADF Front|ADF Back|ADF Duplex [ADF Front]
        Selects the scan source (such as a document-feeder).
    --mode Lineart|Halftone|Gray|Color [Lineart]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --resolution 50..600dpi (in steps of 1) [600]
        Sets the horizontal resolution of the scanned image.
`;

describe('SANE parsing', () => {
  it('reads -L lines: name, vendor, model, type', () => {
    const d = parseSaneDeviceList(SANE_L);
    expect(d.map((x) => x.name)).toEqual(['test:0', 'test:1', 'hpaio:/usb/Deskjet_2130_series?serial=CN57K2F1XB', 'epson2:net:192.168.1.20', 'airscan:e0:Canon MF240 Series (network)']);
    expect(d[0]).toEqual({ name: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' });
    expect(d[3]).toEqual({ name: 'epson2:net:192.168.1.20', vendor: 'Epson', model: 'PID 08BC', type: 'flatbed scanner' });
  });

  it('reads the -f listing split by a unit separator (names and models with spaces)', () => {
    expect(SANE_LIST_FORMAT).toBe('%d\x1f%v\x1f%m\x1f%t%n');
    const d = parseSaneDeviceList('airscan:e0:Canon MF240 Series (network)\x1fCanon\x1fMF240 Series\x1feSCL network scanner\n');
    expect(d).toEqual([{ name: 'airscan:e0:Canon MF240 Series (network)', vendor: 'Canon', model: 'MF240 Series', type: 'eSCL network scanner' }]);
  });

  it('drops a listed name that could read as an option', () => {
    expect(parseSaneDeviceList("device `-x' is a Evil x y\n")).toEqual([]);
    expect(isSafeDeviceName('--help')).toBe(false);
    expect(isSafeDeviceName('a\nb')).toBe(false);
    expect(isSafeDeviceName('{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0001')).toBe(true);
  });

  it('reads a list of resolutions, modes and sources (epson2)', () => {
    const o = parseSaneOptions(EPSON_OPTIONS);
    expect(o.resolutions).toEqual([75, 150, 300, 600, 1200]);
    expect(o.modes).toEqual({ lineart: 'Lineart', gray: 'Gray', color: 'Color' });
    expect(o.sources).toEqual({ flatbed: 'Flatbed', adf: 'Automatic Document Feeder' });
  });

  it('reads a resolution range and feeder-only sources (fujitsu)', () => {
    const o = parseSaneOptions(FUJITSU_OPTIONS);
    expect(o.resolutions).toEqual([75, 100, 150, 200, 240, 300, 400, 600]);
    expect(o.sources).toEqual({ adf: 'ADF Front', adfDuplex: 'ADF Duplex' });
    expect(o.modes).toEqual({ lineart: 'Lineart', gray: 'Gray', color: 'Color' });
  });

  it("builds an argument array with the device's own option values", () => {
    const o = parseSaneOptions(EPSON_OPTIONS);
    const req = { device: 'epson2:net:192.168.1.20', resolution: 300, mode: 'gray' as const, source: 'adf' as const, pages: 3 };
    expect(buildSaneScanArgs(req, o, '/tmp/x')).toEqual([
      '--device-name=epson2:net:192.168.1.20',
      '--format=png',
      '--resolution=300',
      '--mode=Gray',
      '--source=Automatic Document Feeder',
      '--batch=/tmp/x/p%04d.png',
      '--batch-print',
      '--batch-count=3',
    ]);
    expect(buildSaneScanArgs({ ...req, pages: null }, o, '/tmp/x')).not.toContain('--batch-count=3');
    expect(buildSaneScanArgs({ ...req, source: 'flatbed', pages: null }, o, '/tmp/x')).toContain('--batch-count=1');
  });

  it('turns SANE statuses into Vietnamese', () => {
    expect(saneErrorText('scanimage: sane_start: Document feeder jammed')).toBe('Kẹt giấy trong máy quét.');
    expect(saneErrorText('scanimage: sane_read: Error during device I/O')).toMatch(/^Mất kết nối với máy quét/);
    expect(saneErrorText('scanimage: open of device x failed: Invalid argument')).toMatch(/^Không tìm thấy máy quét/);
  });
});

describe('WIA through PowerShell', () => {
  it('runs powershell with the script on stdin, never on the command line', () => {
    const inv = buildWiaInvocation({
      action: 'scan',
      device: '{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0001',
      dpi: 300,
      intent: 2,
      handling: 1,
      pages: 3,
      dir: 'C:\\Users\\motcua\\AppData\\Local\\Temp\\motcua-scan-ab12',
      format: WIA_FORMAT_PNG,
    });
    expect(inv.command).toBe('powershell.exe');
    expect(inv.args).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-']);
    // One ASCII line: the request and the script travel base64-encoded (no quoting, no code page).
    const [line] = inv.stdin.split('\r\n');
    expect(/^[\x20-\x7e]+$/.test(line)).toBe(true);
    const [reqB64, scriptB64] = [...line.matchAll(/FromBase64String\('([A-Za-z0-9+/=]+)'\)/g)].map((m) => m[1]);
    expect(JSON.parse(Buffer.from(reqB64, 'base64').toString('utf8'))).toMatchObject({ action: 'scan', dpi: 300, intent: 2, handling: 1, pages: 3 });
    const script = Buffer.from(scriptB64, 'base64').toString('utf8');
    expect(script).toBe(WIA_SCRIPT);
    for (const id of [3086, 3088, 3096, 6146, 6147, 6148]) expect(script).toMatch(new RegExp(`Properties ${id}\\b`));
    expect(script).toMatch(/Get-Prop \$item\.Properties 6147/);
    expect(script).toMatch(/Get-Prop \$item\.Properties 6148/);
    expect(script).toMatch(/Get-Prop \$item\.Properties 6146/);
    expect(script).toMatch(/Get-Prop \$dev\.Properties 3088/);
    expect(script).toContain('WIA.DeviceManager');
    expect(script).toContain('$item.Transfer(');
  });

  // A flatbed (list of resolutions), an MFC with a feeder (a range), a busy device (bare value).
  const LIST_OUTPUT = [
    '\uFEFF',
    '{"type":"device","id":"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\\\0000","name":"CanoScan LiDE 300","vendor":"Canon","resolutions":[75,100,150,300,600,1200,2400],"resMin":0,"resMax":0,"resStep":0,"intents":7,"handling":0,"error":null}',
    'WARNING: some PowerShell noise',
    '{"type":"device","id":"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\\\0001","name":"Brother MFC-L2710DW LAN","vendor":"Brother","resolutions":[],"resMin":100,"resMax":600,"resStep":1,"intents":7,"handling":3,"error":null}',
    '{"type":"device","id":"{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\\\0002","name":"HP LaserJet MFP","vendor":"HP","resolutions":300,"resMin":0,"resMax":0,"resStep":0,"intents":7,"handling":0,"error":"0x80210006"}',
    '{"type":"end"}',
  ];

  it('parses the device listing', () => {
    const events = LIST_OUTPUT.map(parseWiaLine);
    expect(events[0]).toBeNull();
    expect(events[2]).toBeNull();
    const devices = events.filter((e) => e?.type === 'device').map((e) => wiaDeviceFromEvent(e as Extract<typeof e, { type: 'device' }>));
    expect(devices[0]).toEqual({
      name: '{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0000',
      vendor: 'Canon',
      model: 'CanoScan LiDE 300',
      type: 'scanner',
      driver: 'wia',
      resolutions: [75, 100, 150, 300, 600, 1200, 2400],
      modes: ['color', 'gray', 'lineart'],
      sources: ['flatbed'],
    });
    expect(devices[1].resolutions).toEqual([100, 150, 200, 240, 300, 400, 600]);
    expect(devices[1].sources).toEqual(['flatbed', 'adf']);
    expect(devices[2].resolutions).toEqual([300]);
    expect(devices[2].optionsError).toBe('Máy quét đang bận (có thể một chương trình khác đang dùng).');
    expect(events[5]).toEqual({ type: 'end' });
  });

  it('parses a feed that stopped after 2 pages', () => {
    const out = [
      '{"type":"page","path":"C:\\\\Temp\\\\motcua-scan-x\\\\p0001.png","index":1}',
      '{"type":"page","path":"C:\\\\Temp\\\\motcua-scan-x\\\\p0002.png","index":2}',
      '{"type":"error","code":"0x8021000a","message":"Exception from HRESULT: 0x8021000A","pages":2}',
    ].map(parseWiaLine);
    expect(out[0]).toEqual({ type: 'page', path: 'C:\\Temp\\motcua-scan-x\\p0001.png', index: 1 });
    expect(out[2]).toEqual({ type: 'error', code: '0x8021000A', message: 'Exception from HRESULT: 0x8021000A', pages: 2 });
    expect(wiaErrorText('0x8021000A')).toMatch(/^Mất kết nối với máy quét/);
    expect(wiaErrorText('0x80210003')).toBe('Khay nạp giấy hết giấy.');
    expect(wiaErrorText('0x80000000')).toBe('Máy quét báo lỗi (mã 0x80000000).');
    expect(parseWiaLine('{"type":"done","pages":3}')).toEqual({ type: 'done', pages: 3 });
    expect(parseWiaLine('{not json')).toBeNull();
  });

  it('the platform picks the driver', () => {
    expect(platformScannerDriver('win32').kind).toBe('wia');
    expect(platformScannerDriver('linux').kind).toBe('sane');
  });
});

describe('a machine without the scanner tool', () => {
  it('lists nothing but says, in Vietnamese, what is missing; a scan fails without hanging', async () => {
    const { SaneDriver } = await import('../../electron/services/scanner/sane');
    const d = new SaneDriver({ command: '/nonexistent/scanimage' });
    await expect(d.list()).rejects.toMatchObject({ code: 'unavailable', message: 'Chưa cài trình điều khiển máy quét SANE (gói sane-utils, lệnh scanimage).' });
    const out = await d.scan({ device: 'x:0', resolution: 75, mode: 'gray', source: 'flatbed', pages: null }, () => {}).done;
    expect(out).toMatchObject({ kind: 'failed', pages: 0 });
    expect(out.message).toMatch(/SANE/);
  });
});
