import { lostDatabase } from './processor';

/** Which failures are Postgres going away (a job waits for it, its attempt not counted) and which are the job's own. */
describe('lostDatabase', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '57P03', message: 'the database system is starting up' }],
    [{ code: '08006', message: 'connection failure' }],
    [{ code: '55000', message: 'database "conduit" is not currently accepting connections' }],
    [new Error('Connection terminated unexpectedly')],
    [{ name: 'QueryFailedError', message: 'x', driverError: { code: '57P01', message: 'terminating connection' } }],
  ])('counts %p as the database going away', (err) => {
    expect(lostDatabase(err)).toBe(true);
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:443' }],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }],
    [{ code: '55000', message: 'object not in prerequisite state' }],
    [new Error('unknown signal 3f6c1a52')],
    [null],
    ['Connection terminated'],
  ])('leaves %p to the job', (err) => {
    expect(lostDatabase(err)).toBe(false);
  });
});
