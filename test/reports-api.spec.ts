import { http, ManualClock, startContext, waitFor } from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { useGateway } from './gateway-harness';

/** Reports over HTTP (issue 15): operators only, JSON or markdown, an operator's run written once by billing. */
describe('reports API', () => {
  const clock = new ManualClock('2026-06-15T09:30:00.000Z');
  const gw = useGateway({ clock, with: (env) => [startContext(BillingAppModule.forRoot(env), { clock })] });

  const run = (body: object) => http('POST', `${gw.api}/api/v3/admin/reports/run`, body, gw.admin);
  const list = async (query = '') => http('GET', `${gw.api}/api/v3/reports${query}`, undefined, gw.admin);

  it('runs the last complete period by default, once however often it is asked', async () => {
    const first = await run({ type: '4h' });
    expect(first).toMatchObject({
      status: 202,
      body: { queued: true, report_type: '4h', period_start: '2026-06-15T04:00:00.000Z', period_end: '2026-06-15T08:00:00.000Z' },
    });
    const written = await waitFor('the 4h report', async () => (await list('?type=4h')).body.reports[0]);
    const again = await run({ type: '4h', period_start: '2026-06-15T04:00:00Z' });
    expect(again.body).toMatchObject({ queued: false, report_id: written.id });
    expect((await gw.pg.query(`SELECT count(*)::int AS n FROM reports`)).rows[0].n).toBe(1);
  });

  it('answers one report as JSON, or its markdown with ?format=md or Accept: text/markdown', async () => {
    const [report] = (await list()).body.reports;
    const json = await http('GET', `${gw.api}/api/v3/reports/${report.id}`, undefined, gw.admin);
    expect(json.body.report).toMatchObject({ id: report.id, report_type: '4h', push_sent: false, delivered_at: null });
    expect(json.body.report.summary_markdown).toMatch(/^# Conduit 4-hour report: 2026-06-15 04:00 UTC to 2026-06-15 08:00 UTC\n/);
    const md = await fetch(`${gw.api}/api/v3/reports/${report.id}?format=md`, { headers: gw.admin });
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await md.text()).toBe(json.body.report.summary_markdown);
    const accepted = await fetch(`${gw.api}/api/v3/reports/${report.id}`, { headers: { ...gw.admin, accept: 'text/markdown' } });
    expect(await accepted.text()).toBe(json.body.report.summary_markdown);
  });

  it('filters by type and period', async () => {
    await run({ type: 'daily' });
    await waitFor('the daily report', async () => (await list('?type=daily')).body.count === 1);
    expect((await list('?from=2026-06-15')).body.reports.map((r: any) => r.report_type)).toEqual(['4h']);
    expect((await list('?to=2026-06-15')).body.reports.map((r: any) => r.report_type)).toEqual(['daily']);
    expect((await list('?from=2026-06-16')).body.count).toBe(0);
  });

  it('refuses impossible periods naming the field', async () => {
    expect(await list('?from=2026-06-15&to=2026-06-14')).toMatchObject({ status: 400, body: { message: ['to must be after from'] } });
    expect(await list('?type=weekly')).toMatchObject({ status: 400, body: { fields: ['type'] } });
    expect(await run({ type: '4h', period_start: '2026-06-15T08:00:00Z' })).toMatchObject({
      status: 400,
      body: { fields: ['period_start'], message: ['period_start: the 4h period from 2026-06-15T08:00:00.000Z has not ended yet'] },
    });
    expect(await run({ type: 'daily', period_start: '2026-06-14T04:00:00Z' })).toMatchObject({
      status: 400,
      body: { message: ['period_start must be a UTC midnight for a daily report'] },
    });
  });

  it('is for operators only', async () => {
    expect((await http('GET', `${gw.api}/api/v3/reports`)).status).toBe(401);
    expect((await http('POST', `${gw.api}/api/v3/admin/reports/run`, { type: '4h' })).status).toBe(401);
  });
});
