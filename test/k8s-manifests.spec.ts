import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Env } from '@conduit/config';
import { QueueName } from '@conduit/queue';
import { closeProbes, DrainReport, probePort, serveProbes } from '@conduit/runtime';

/**
 * deploy/k8s without a cluster: each overlay built with `kubectl kustomize`, every object validated against its
 * schema (kubernetes-models, KEDA's models; the Prometheus operator's by hand), and the invariants the services rely
 * on: probes on their own paths, the workers' preStop drain (POST /drain) and a grace period longer than it and the
 * shutdown after it, a PDB and an autoscaler each, the KEDA keys of the queues the workers consume, no secret value
 * in the output.
 */
const ROOT = join(__dirname, '..');
const OVERLAYS = ['dev', 'prod'];
/** The queue each worker consumes (libs/queue's contract: one queue per consuming service). */
const WORKERS: Record<string, QueueName> = {
  signal: QueueName.Signal,
  policy: QueueName.Policy,
  router: QueueName.Router,
  executor: QueueName.Executor,
  billing: QueueName.Billing,
  notifier: QueueName.Notify,
};
const SERVICES = ['gateway', ...Object.keys(WORKERS)];
/** Env names of secrets: never a literal value. */
const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL|SMTP_URL|RPC_URL/;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

/** The Prometheus operator's CRDs have no model here: their required fields, by hand. */
function checkByHand(o: Obj): string[] {
  const problems: string[] = [];
  if (o.kind === 'ServiceMonitor') {
    if (!o.spec?.selector?.matchLabels) problems.push('spec.selector.matchLabels missing');
    if (!Array.isArray(o.spec?.endpoints) || !o.spec.endpoints.length) problems.push('spec.endpoints empty');
    for (const e of o.spec?.endpoints ?? []) if (!e.port || e.path !== '/metrics') problems.push(`endpoint ${JSON.stringify(e)}`);
  } else if (o.kind === 'PrometheusRule') {
    if (!Array.isArray(o.spec?.groups) || !o.spec.groups.length) problems.push('spec.groups empty');
    for (const g of o.spec?.groups ?? []) {
      if (!g.name) problems.push('a group without a name');
      if (!Array.isArray(g.rules) || !g.rules.length) problems.push(`group ${g.name} without rules`);
      for (const r of g.rules ?? []) {
        if (!r.alert && !r.record) problems.push(`a rule of ${g.name} with neither alert nor record`);
        if (typeof r.expr !== 'string' || !r.expr.trim()) problems.push(`rule ${r.alert} without expr`);
        if (r.alert && !r.annotations?.summary) problems.push(`alert ${r.alert} without a summary`);
      }
    }
  } else problems.push(`no model and no check for ${o.apiVersion} ${o.kind}`);
  return problems;
}

function kustomize(dir: string): Obj[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e: any) {
    if (e.code === 'ENOENT') throw new Error('kubectl is required to build deploy/k8s (kubectl kustomize) and was not found on PATH');
    throw e;
  }
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  let objects: Obj[];
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found.map((o) => o.metadata.name)).toEqual([name]);
    return found[0];
  };
  const config = () => all('ConfigMap').find((c) => c.metadata.name.startsWith('conduit-config'))!;
  const container = (d: Obj) => d.spec.template.spec.containers[0];

  beforeAll(() => {
    objects = kustomize(`deploy/k8s/overlays/${overlay}`);
  });

  it('builds objects that each validate against their schema', () => {
    expect(objects.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const o of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      try {
        if (Model) new Model(o).validate();
        else problems.push(...checkByHand(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`));
      } catch (e: any) {
        problems.push(`${o.kind} ${o.metadata.name}: ${e.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(all('ServiceMonitor')).toHaveLength(1);
    expect(all('PrometheusRule')).toHaveLength(1);
  });

  it('runs a Deployment per service from the one image, APP naming the service, no replica count of its own', () => {
    const deployments = all('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => `conduit-${s}`).sort());
    const images = new Set(deployments.map((d) => container(d).image));
    expect(images.size).toBe(1);
    for (const svc of SERVICES) {
      const d = one('Deployment', `conduit-${svc}`);
      expect(d.spec.replicas).toBeUndefined(); // the HPA or KEDA owns it
      expect(container(d).env.find((e: any) => e.name === 'APP')).toEqual({ name: 'APP', value: svc });
      expect(container(d).command).toBeUndefined(); // the image's CMD: the service, never the migrations
      expect(d.spec.template.spec.initContainers).toBeUndefined();
    }
  });

  it('gives every Deployment liveness and readiness on different paths, requests and limits, a read-only non-root container', () => {
    for (const d of all('Deployment')) {
      const pod = d.spec.template.spec;
      const c = container(d);
      expect([d.metadata.name, c.livenessProbe?.httpGet?.path, c.readinessProbe?.httpGet?.path]).toEqual([
        d.metadata.name,
        '/health/live',
        '/health/ready',
      ]);
      for (const kind of ['requests', 'limits']) {
        expect(c.resources?.[kind]?.cpu).toBeDefined();
        expect(c.resources?.[kind]?.memory).toBeDefined();
      }
      expect(pod.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot).toBe(true);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      const tmp = c.volumeMounts?.find((m: any) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v: any) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
    }
  });

  it("stops the workers' pods with a preStop POST /drain, and leaves room for the drain and the shutdown after it", () => {
    const drainMs = Number(config().data.SHUTDOWN_TIMEOUT_MS ?? new Env().SHUTDOWN_TIMEOUT_MS);
    expect(drainMs).toBeGreaterThan(0);
    for (const worker of Object.keys(WORKERS)) {
      const d = one('Deployment', `conduit-${worker}`);
      const command: string[] = container(d).lifecycle?.preStop?.exec?.command ?? [];
      expect([worker, command[0], command[1]]).toEqual([worker, 'node', '-e']);
      expect(command[2]).toMatch(
        /fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 3000\) \+ '\/drain', \{ method: 'POST' \}\)/,
      );
      // The drain is bounded by SHUTDOWN_TIMEOUT_MS, and so is the shutdown on the SIGTERM that follows it.
      expect([worker, d.spec.template.spec.terminationGracePeriodSeconds * 1000 > 2 * drainMs]).toEqual([worker, true]);
    }
  });

  it('runs the preStop as written: exit 0 once the drain answers 200, non-zero on 504 or no answer', async () => {
    const command: string[] = container(one('Deployment', 'conduit-signal')).lifecycle.preStop.exec.command;
    let answer: DrainReport = { status: 'drained', paused: [], activeAtStart: 0, activeAtEnd: 0, waitedMs: 0, timeoutMs: 1 };
    const server = await serveProbes(
      { health: async () => ({}) as any, ready: async () => ({}) as any, metrics: async () => '', drain: async () => answer },
      0,
      '127.0.0.1',
    );
    const run = (port: number) =>
      new Promise<number | null>((resolve) =>
        execFile(process.execPath, command.slice(1), { env: { ...process.env, PORT: String(port) } }, (e) =>
          resolve(e ? (typeof e.code === 'number' ? e.code : -1) : 0),
        ),
      );
    const port = probePort(server);
    try {
      expect(await run(port)).toBe(0);
      answer = { ...answer, status: 'timeout', activeAtEnd: 1 };
      expect(await run(port)).toBe(1);
    } finally {
      await closeProbes(server);
    }
    expect(await run(port)).toBe(1); // nothing listens any more
  });

  it('keeps the gateway on a preStop sleep (it serves HTTP, takes no jobs), its grace period longer than sleep plus drain', () => {
    const drainMs = Number(config().data.SHUTDOWN_TIMEOUT_MS ?? new Env().SHUTDOWN_TIMEOUT_MS);
    const d = one('Deployment', 'conduit-gateway');
    const command: string[] = container(d).lifecycle?.preStop?.exec?.command ?? [];
    expect(command[0]).toBe('sleep');
    expect(d.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(command[1]) * 1000 + drainMs);
  });

  it('has exactly one PodDisruptionBudget per Deployment, whose selector picks its pods only', () => {
    const pdbs = all('PodDisruptionBudget');
    for (const d of all('Deployment')) {
      const labels = d.spec.template.metadata.labels;
      const mine = pdbs.filter((p) => matches(p.spec.selector.matchLabels, labels));
      expect([d.metadata.name, mine.length]).toEqual([d.metadata.name, 1]);
      expect(matches(d.spec.selector.matchLabels, labels)).toBe(true);
      // Never blocking a drain with one replica (dev): maxUnavailable, not a minAvailable of every pod.
      expect(mine[0].spec.minAvailable).toBeUndefined();
      expect(mine[0].spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
    expect(pdbs).toHaveLength(all('Deployment').length);
  });

  it('scales each worker with one ScaledObject on its queue backlog, under the configured prefix', () => {
    const prefix = config().data.QUEUE_PREFIX;
    expect(prefix).toBeTruthy();
    const scaled = all('ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(
      Object.keys(WORKERS)
        .map((w) => `conduit-${w}`)
        .sort(),
    );
    for (const [worker, queue] of Object.entries(WORKERS)) {
      const [so] = scaled.filter((s) => s.spec.scaleTargetRef.name === `conduit-${worker}`);
      const redis = so.spec.triggers.filter((t: any) => t.type === 'redis');
      expect(redis.map((t: any) => t.metadata.listName)).toEqual([`${prefix}:${queue}:wait`]);
      expect(Number(redis[0].metadata.listLength)).toBeGreaterThan(0);
      expect(redis[0].authenticationRef.name).toBe('conduit-redis');
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1); // the schedulers need a worker to run
      expect(so.spec.maxReplicaCount).toBeGreaterThanOrEqual(so.spec.minReplicaCount);
      expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(0);
    }
    one('TriggerAuthentication', 'conduit-redis');
  });

  it('scales the gateway on CPU with an HPA, never with KEDA', () => {
    const hpas = all('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name)).toEqual(['conduit-gateway']);
    expect(hpas[0].spec.metrics[0].resource.name).toBe('cpu');
    expect(all('ScaledObject').filter((s) => s.spec.scaleTargetRef.name === 'conduit-gateway')).toEqual([]);
    const service = one('Service', 'conduit-gateway');
    const ingress = one('Ingress', 'conduit-gateway');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(service.metadata.name);
    expect(ingress.spec.rules[0].host).toBeTruthy();
  });

  it('runs the migrations as a Job named after the image tag', () => {
    const jobs = all('Job');
    expect(jobs).toHaveLength(1);
    const c = jobs[0].spec.template.spec.containers[0];
    expect(c.command).toEqual(['node', 'dist/tools/scripts/migrate.js', 'up']);
    expect(c.image).toBe(container(one('Deployment', 'conduit-gateway')).image);
    const tag = c.image.split(':').pop();
    expect(jobs[0].metadata.name).toBe(`conduit-migrate-${tag}`);
  });

  it('holds no secret: no Secret object, every secret-looking env from a secretKeyRef to the documented Secret', () => {
    expect(all('Secret').filter((s) => s.data || s.stringData)).toEqual([]);
    expect(all('Secret')).toEqual([]);
    const deploy = readFileSync(join(ROOT, 'docs/DEPLOY.md'), 'utf8');
    const literal: string[] = [];
    const keys = new Set<string>();
    for (const o of [...all('Deployment'), ...all('Job')]) {
      for (const c of o.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (SECRET_NAME.test(e.name) && (e.value !== undefined || !e.valueFrom?.secretKeyRef))
            literal.push(`${o.metadata.name} ${e.name}`);
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) {
            expect(ref.name).toBe('conduit-secrets');
            keys.add(ref.key);
          }
        }
      }
    }
    expect(literal).toEqual([]);
    for (const a of all('TriggerAuthentication')) for (const r of a.spec.secretTargetRef) keys.add(r.key);
    // docs/DEPLOY.md names every key of the Secret the manifests read.
    expect(deploy).toContain('conduit-secrets');
    expect([...keys].filter((k) => !deploy.includes(k))).toEqual([]);
    // The ConfigMap holds no secret either.
    expect(Object.keys(config().data).filter((k) => SECRET_NAME.test(k))).toEqual([]);
  });

  it('scrapes every service and ships a Grafana dashboard', () => {
    const [monitor] = all('ServiceMonitor');
    const scraped = all('Service').filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
    const ports = new Set(monitor.spec.endpoints.map((e: any) => e.port));
    for (const d of all('Deployment')) {
      const labels = d.spec.template.metadata.labels;
      const services = scraped.filter((s) => matches(s.spec.selector, labels) && s.spec.ports.some((p: any) => ports.has(p.name)));
      expect([d.metadata.name, services.length]).toEqual([d.metadata.name, 1]);
    }
    const dashboard = all('ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
    const json = JSON.parse(Object.values(dashboard!.data as Record<string, string>)[0]);
    expect(json.panels.length).toBeGreaterThan(0);
  });

  it('alerts and charts only on metrics the services expose, by the labels they carry', () => {
    const source = readFileSync(join(ROOT, 'libs/runtime/src/metrics.ts'), 'utf8');
    const exposed = new Set([...source.matchAll(/name: '(conduit_[a-z_]+)'/g)].map((m) => m[1]));
    const dashboard = all('ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
    const exprs = [
      ...all('PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => String(x.expr)))),
      ...JSON.parse(Object.values(dashboard!.data as Record<string, string>)[0]).panels.flatMap((p: any) =>
        (p.targets ?? []).map((t: any) => String(t.expr)),
      ),
    ];
    const unknown = exprs
      .flatMap((e) => [...e.matchAll(/\b(conduit_[a-z_]+)/g)].map((m) => m[1]))
      .filter((n) => !/^conduit_(process|nodejs)_/.test(n)) // prom-client's defaults, prefixed
      .filter((n) => !exposed.has(n.replace(/_(bucket|sum|count)$/, '')));
    expect(unknown).toEqual([]);
    // The job name's label is `name`: `job` is the scrape target's, so grouping a job metric by it would be wrong.
    expect(exprs.filter((e) => /conduit_job/.test(e) && /\bjob\s*[=,)]|by \([^)]*\bjob\b/.test(e))).toEqual([]);
  });

  it('closes the network: default deny, the gateway reachable from the ingress controller only', () => {
    const policies = all('NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'conduit-default-deny')!;
    expect(deny.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    const ingress = policies.filter((p) => p.spec.ingress);
    for (const p of ingress) {
      const ports = p.spec.ingress.flatMap((r: any) => r.ports.map((x: any) => x.port));
      expect(ports).toEqual([3000]);
    }
    const toGateway = ingress.filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'gateway');
    expect(toGateway.map((p) => p.spec.ingress[0].from[0].namespaceSelector.matchLabels)).toEqual([
      { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    ]);
  });
});
