// Issue 8 item 7: screens update from the main process's pushes, without polling. The list
// asks once; a dossier received elsewhere (another window, a pulled batch) appears by itself.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { ListPage, Shell, waitVisible } from './support/pages';
import { ANH, DANG } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();

describe('màn hình tự cập nhật', () => {
  it('shows a dossier received by another window in the open list, without a reload', async () => {
    const run: Run = await startRun('push-updates-list');
    await setUpUnit(run);
    await receiveDossier(run, '1.001193', ANH);
    await new Shell(run.page).goList();
    const list = new ListPage(run.page);
    await waitVisible(list.rows());
    expect(await list.rows().count()).toBe(1);
    const other = await receiveDossier(run, '1.000894', DANG);
    // Well under any polling period the app ever had (5 s for the header, none for the list).
    await expect.poll(() => list.rowTexts(), { timeout: 2_500, interval: 100 }).toHaveLength(2);
    expect((await list.rowTexts())[0]).toContain(other.code);
    await run.shot('list-updated-by-push');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
