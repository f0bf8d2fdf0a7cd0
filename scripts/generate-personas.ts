/**
 * Generates the built-in persona library (`personas/<name>/1.yaml`) from the sizing figures below
 * and the weekly load shapes learned from real VM traces (`assets/load-shapes.json`).
 *
 * Each persona's peak figures come from vendor sizing guidance, cited in its description; the
 * shape over the week comes from the traces (the shape its role maps to). Memory is mostly
 * resident (buffer pools, heaps, page cache), so its series keeps a floor under the shape.
 *
 * Run: npm run generate-personas (writes only missing versions; existing versions are immutable).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUILTIN_PERSONAS_DIR } from "../src/assets";
import { serializePersona, validatePersona } from "../src/persona/document";
import { MetricName, METRICS, PersonaInput, Role } from "../src/persona/schema";
import { round } from "../src/persona/series";
import { loadShapesFor } from "../src/workload/shapes";

type Peaks = Record<MetricName, number>;

interface Spec {
    readonly name: string;
    readonly role: Role;
    readonly roleDescription: string;
    readonly description: string;
    readonly tags: string[];
    readonly peaks: Peaks;
    /** Fraction of the memory peak that stays resident at the quietest hour. */
    readonly memoryFloor: number;
    readonly storageGiB: number;
    readonly gpus?: number;
    readonly security: PersonaInput["security"];
    readonly lifecycle: PersonaInput["lifecycle"];
    readonly cost: PersonaInput["cost"];
}

const VPC = "10.0.0.0/16";
const HTTPS_OUT = { protocol: "tcp" as const, ports: 443, cidr: "0.0.0.0/0", description: "HTTPS out: package updates, SSM and AWS endpoints" };
const from = (ports: number | string, description: string) => ({ protocol: "tcp" as const, ports, cidr: VPC, description });
const to = (ports: number | string, description: string) => ({ protocol: "tcp" as const, ports, cidr: VPC, description });
const ssm = { method: "ssm" as const, administrators: ["platform-team"] };
const alwaysOn = (uptimeTarget: number, min = 1, max = min) => ({ uptimeTarget, scaling: { min, max }, expectedDuration: "open-ended" as const, interruptionTolerant: false });

const SPECS: Spec[] = [
    {
        name: "web-server",
        role: "web-server",
        roleDescription: "nginx in front of PHP-FPM serving a storefront or CMS (WordPress, Magento-class)",
        description:
            "Web tier for about 50k daily visitors. Peaks: 4 vCPU busy from 40 PHP-FPM workers at ~100 ms CPU per dynamic page and ~40 pages/s at the evening peak; " +
            "8 GiB from 40 workers x ~120 MB (PHP-FPM sizing: pm.max_children = RAM available / average worker RSS) plus OPcache and nginx; " +
            "network 400 Mbps from ~40 pages/s x ~1.2 MB page weight (HTTP Archive median). Static files come from a CDN, so disk is light.",
        tags: ["web", "nginx", "php", "storefront"],
        peaks: { cpu: 4, memoryGiB: 8, iops: 600, throughputMBps: 25, networkMbps: 400 },
        memoryFloor: 0.6,
        storageGiB: 30,
        security: { sensitivity: "internal", ingress: [from(443, "HTTPS from the load balancer")], egress: [HTTPS_OUT, to(5432, "the database"), to(6379, "the session cache")], access: ssm },
        lifecycle: alwaysOn(99.9, 2, 6),
        cost: { maxMonthly: 600 },
    },
    {
        name: "api-service",
        role: "api-service",
        roleDescription: "stateless JSON/REST API on a JVM or Node.js runtime behind a load balancer",
        description:
            "API tier serving ~300 requests/s at peak at ~10 ms CPU per request (3 vCPU busy; sized to run at 60-70 % so latency holds). " +
            "Memory 6 GiB: a 4 GiB JVM heap (about half the instance, the rest for metaspace, threads and the OS). Network 200 Mbps from 300 req/s x ~80 KB request+response.",
        tags: ["api", "rest", "jvm", "nodejs"],
        peaks: { cpu: 3, memoryGiB: 6, iops: 300, throughputMBps: 10, networkMbps: 200 },
        memoryFloor: 0.75,
        storageGiB: 10,
        security: { sensitivity: "internal", ingress: [from(443, "HTTPS from the load balancer")], egress: [HTTPS_OUT, to(5432, "the database")], access: ssm },
        lifecycle: alwaysOn(99.9, 2, 8),
        cost: { maxMonthly: 500 },
    },
    {
        name: "postgres-oltp",
        role: "database",
        roleDescription: "PostgreSQL primary for an OLTP application (orders, accounts)",
        description:
            "PostgreSQL OLTP primary with a 400 GiB database and a ~60 GiB hot working set. Memory 64 GiB: shared_buffers at 25 % of RAM (16 GiB, PostgreSQL docs, Resource Consumption) " +
            "with effective_cache_size ~75 % so the working set stays in the OS page cache. CPU 6 vCPU at ~1,500 transactions/s. IOPS 8,000 at peak (checkpoints, WAL and cache misses), " +
            "throughput 250 MB/s during checkpoints and vacuum. Storage 500 GiB: data plus 25 % for WAL, bloat and growth.",
        tags: ["database", "postgresql", "oltp"],
        peaks: { cpu: 6, memoryGiB: 60, iops: 8000, throughputMBps: 250, networkMbps: 600 },
        memoryFloor: 0.9,
        storageGiB: 500,
        security: {
            sensitivity: "confidential",
            ingress: [from(5432, "PostgreSQL from the application subnets")],
            egress: [HTTPS_OUT],
            encryption: { atRestKey: "customer-managed", inTransit: true },
            access: { method: "ssm", administrators: ["dba-team"] },
        },
        lifecycle: alwaysOn(99.95),
        cost: { maxMonthly: 2000 },
    },
    {
        name: "mysql-oltp",
        role: "database",
        roleDescription: "MySQL (InnoDB) primary for a web application",
        description:
            "MySQL 8 InnoDB primary with a 250 GiB database. Memory 32 GiB: innodb_buffer_pool_size at ~75 % of RAM on a dedicated server (MySQL manual, InnoDB buffer pool configuration; up to 80 %), " +
            "holding the ~20 GiB hot set. CPU 4 vCPU at ~1,000 queries/s. IOPS 5,000 at peak (flushing, redo log), throughput 150 MB/s. Storage 300 GiB.",
        tags: ["database", "mysql", "innodb"],
        peaks: { cpu: 4, memoryGiB: 30, iops: 5000, throughputMBps: 150, networkMbps: 400 },
        memoryFloor: 0.9,
        storageGiB: 300,
        security: {
            sensitivity: "confidential",
            ingress: [from(3306, "MySQL from the application subnets")],
            egress: [HTTPS_OUT],
            encryption: { atRestKey: "customer-managed", inTransit: true },
            access: { method: "ssm", administrators: ["dba-team"] },
        },
        lifecycle: alwaysOn(99.95),
        cost: { maxMonthly: 1200 },
    },
    {
        name: "redis-cache",
        role: "cache",
        roleDescription: "Redis as a session and page cache (no persistence beyond RDB snapshots)",
        description:
            "Redis cache holding ~5 million sessions of ~1.5 KB (about 10 GiB of data with Redis's per-key overhead). Memory 16 GiB: the data plus headroom for fork copy-on-write during RDB snapshots " +
            "(Redis docs, memory optimization and persistence: a write-heavy instance can need up to twice its data during BGSAVE; we keep ~50 %). CPU 1.5 vCPU: Redis executes commands on one thread, " +
            "~100k ops/s at peak. Network 800 Mbps from 100k ops/s x ~1 KB.",
        tags: ["cache", "redis", "sessions"],
        peaks: { cpu: 1.5, memoryGiB: 15, iops: 200, throughputMBps: 50, networkMbps: 800 },
        memoryFloor: 0.85,
        storageGiB: 30,
        security: { sensitivity: "internal", ingress: [from(6379, "Redis from the application subnets")], egress: [HTTPS_OUT], access: ssm },
        lifecycle: alwaysOn(99.9),
        cost: { maxMonthly: 400 },
    },
    {
        name: "kafka-broker",
        role: "message-queue",
        roleDescription: "Apache Kafka broker in a three-broker cluster",
        description:
            "Kafka broker in a 3-broker cluster taking ~30 MB/s of produce traffic on average with replication factor 3 (so every broker writes all of it) and 2-day retention. " +
            "Memory 48 GiB: a 6 GiB JVM heap and the rest as page cache so consumers read from memory (Confluent deployment guidance: 64 GB machines, 6 GB heap, page cache for the rest). " +
            "Disk throughput 150 MB/s at peak: writes plus catch-up reads that miss the page cache, sequential, so throughput-optimised volumes fit. " +
            "Network 1,600 Mbps at peak: produce in, two replica streams out, consumers. Storage 6,000 GiB: 30 MB/s x 172,800 s = 5.2 TB, plus headroom.",
        tags: ["queue", "kafka", "streaming"],
        peaks: { cpu: 4, memoryGiB: 46, iops: 3000, throughputMBps: 150, networkMbps: 1600 },
        memoryFloor: 0.9,
        storageGiB: 6000,
        security: {
            sensitivity: "internal",
            ingress: [from(9092, "Kafka clients (TLS)"), from(9093, "inter-broker replication")],
            egress: [HTTPS_OUT, to(9093, "inter-broker replication")],
            access: ssm,
        },
        lifecycle: alwaysOn(99.95, 3),
        cost: { maxMonthly: 3000 },
    },
    {
        name: "opensearch-node",
        role: "search",
        roleDescription: "OpenSearch (or Elasticsearch) data node for product and log search",
        description:
            "OpenSearch data node with ~600 GiB of indices (about 20 shards of 30 GiB, inside the 10-50 GiB shard guidance). Memory 32 GiB: JVM heap at 50 % of RAM and below 32 GiB for compressed " +
            "object pointers (OpenSearch/Elasticsearch heap sizing guidance), the other half for the file system cache. CPU 6 vCPU at ~200 searches/s plus indexing. IOPS 6,000, throughput 200 MB/s " +
            "(merges). Storage 1,000 GiB: indices plus disk watermark headroom (85 % low watermark).",
        tags: ["search", "opensearch", "elasticsearch"],
        peaks: { cpu: 6, memoryGiB: 30, iops: 6000, throughputMBps: 200, networkMbps: 500 },
        memoryFloor: 0.9,
        storageGiB: 1000,
        security: {
            sensitivity: "internal",
            ingress: [from(9200, "REST API from the application subnets"), from(9300, "node-to-node transport")],
            egress: [HTTPS_OUT, to(9300, "node-to-node transport")],
            access: ssm,
        },
        lifecycle: alwaysOn(99.9, 3),
        cost: { maxMonthly: 2500 },
    },
    {
        name: "spark-analytics",
        role: "analytics",
        roleDescription: "Apache Spark worker running evening aggregation jobs over the day's data",
        description:
            "Spark worker processing ~500 GiB a day in evening jobs. CPU 16 vCPU busy at the job peak; memory 96 GiB with at most 75 % of RAM given to Spark executors " +
            "(Spark docs, Hardware Provisioning). Shuffle spills need throughput (400 MB/s) more than IOPS; network 5,000 Mbps during shuffles (the docs recommend 10 Gbps). " +
            "Storage 500 GiB of shuffle and scratch space. Re-runnable jobs, so spot interruptions are tolerated.",
        tags: ["analytics", "spark", "etl"],
        peaks: { cpu: 16, memoryGiB: 96, iops: 4000, throughputMBps: 400, networkMbps: 5000 },
        memoryFloor: 0.3,
        storageGiB: 500,
        security: { sensitivity: "internal", ingress: [from("7077-7078", "Spark master and block manager"), from(4040, "Spark UI")], egress: [HTTPS_OUT, to("7077-7078", "Spark cluster")], access: ssm },
        lifecycle: { uptimeTarget: 99, scaling: { min: 2, max: 10 }, expectedDuration: "open-ended", interruptionTolerant: true },
        cost: { maxMonthly: 3000 },
    },
    {
        name: "batch-worker",
        role: "batch-worker",
        roleDescription: "nightly ETL worker pulling from object storage and loading a warehouse",
        description:
            "Nightly ETL worker transforming ~2 TB between 01:00 and 05:00 (2 TB / 4 h is about 145 MB/s): 8 vCPU busy in the window at ~18 MB/s per core for Python/pandas-style transforms, " +
            "32 GiB for in-memory partitions, throughput 250 MB/s reading and writing scratch data, network 2,000 Mbps to and from object storage. Idle outside the window. " +
            "Jobs are idempotent, so spot interruptions are tolerated.",
        tags: ["batch", "etl", "nightly"],
        peaks: { cpu: 8, memoryGiB: 32, iops: 3000, throughputMBps: 250, networkMbps: 2000 },
        memoryFloor: 0.1,
        storageGiB: 200,
        security: { sensitivity: "internal", ingress: [], egress: [HTTPS_OUT, to(5432, "the warehouse")], access: { method: "none", administrators: [] } },
        lifecycle: { uptimeTarget: 95, scaling: { min: 1, max: 4 }, expectedDuration: "open-ended", interruptionTolerant: true },
        cost: { maxMonthly: 500 },
    },
    {
        name: "ci-runner",
        role: "ci-runner",
        roleDescription: "self-hosted GitHub Actions / GitLab CI runner for builds and tests",
        description:
            "Self-hosted CI runner sized like GitHub's standard Linux runner (4 vCPU, 16 GiB RAM, 14 GB SSD, GitHub docs, About GitHub-hosted runners) with room for Docker layer caches: " +
            "4 vCPU busy during builds in working hours, 14 GiB, 3,000 IOPS and 200 MB/s for dependency installs and image builds, 100 GiB of caches. Jobs retry, so spot is fine.",
        tags: ["ci", "github-actions", "gitlab-runner"],
        peaks: { cpu: 4, memoryGiB: 14, iops: 3000, throughputMBps: 200, networkMbps: 1000 },
        memoryFloor: 0.2,
        storageGiB: 100,
        security: { sensitivity: "internal", ingress: [], egress: [HTTPS_OUT], access: { method: "none", administrators: [] } },
        lifecycle: { uptimeTarget: 95, scaling: { min: 1, max: 8 }, expectedDuration: "open-ended", interruptionTolerant: true },
        cost: { maxMonthly: 400 },
    },
    {
        name: "ml-inference",
        role: "ml-inference",
        roleDescription: "CPU model server (ONNX Runtime / TorchServe) for a BERT-base-class model",
        description:
            "Online inference for a BERT-base-class model (~440 MB) at ~80 requests/s at peak. ONNX Runtime on recent x86 or Graviton cores takes ~40 ms of CPU per 128-token request, " +
            "so 8 vCPU at the peak with headroom for p99 latency; memory 8 GiB for 4 model replicas and request buffers. Disk only loads the model at start.",
        tags: ["ml", "inference", "onnx"],
        peaks: { cpu: 8, memoryGiB: 8, iops: 200, throughputMBps: 20, networkMbps: 150 },
        memoryFloor: 0.8,
        storageGiB: 20,
        security: { sensitivity: "internal", ingress: [from(8080, "inference requests from the application subnets")], egress: [HTTPS_OUT], access: ssm },
        lifecycle: alwaysOn(99.9, 2, 6),
        cost: { maxMonthly: 800 },
    },
    {
        name: "ml-training",
        role: "ml-training",
        roleDescription: "single-GPU fine-tuning of a mid-sized model (PyTorch)",
        description:
            "Fine-tuning a ~1B-parameter model on one 24 GB GPU (A10G/L4 class): mixed-precision weights, gradients and optimiser state fit in GPU memory with gradient checkpointing. " +
            "8 vCPU feed the data loaders, 48 GiB of host memory for the dataset shards and pinned buffers, 300 MB/s to stream 200 GiB of training data, checkpoints every hour. " +
            "Runs for about two weeks and checkpoints, so it tolerates spot interruption.",
        tags: ["ml", "training", "gpu", "pytorch"],
        peaks: { cpu: 8, memoryGiB: 48, iops: 3000, throughputMBps: 300, networkMbps: 1000 },
        memoryFloor: 0.8,
        storageGiB: 400,
        gpus: 1,
        security: { sensitivity: "internal", ingress: [], egress: [HTTPS_OUT], access: ssm },
        lifecycle: { uptimeTarget: 95, scaling: { min: 1, max: 1 }, expectedDuration: { days: 14 }, interruptionTolerant: true },
        cost: { maxMonthly: 1500 },
    },
];

function seriesFor(spec: Spec, metric: MetricName, shape: number[]): number[] {
    const peak = spec.peaks[metric];
    const floor = metric === "memoryGiB" ? spec.memoryFloor : 0;
    // Whole IOPS and Mbps; three decimals for vCPU, GiB and MB/s.
    const decimals = metric === "iops" || metric === "networkMbps" ? 0 : 3;
    return shape.map((v) => round(peak * (floor + (1 - floor) * v), decimals));
}

export function buildPersonas(): PersonaInput[] {
    return SPECS.map((spec) => {
        const shapes = loadShapesFor(spec.role);
        const performance = Object.fromEntries(METRICS.map((metric) => [metric, { series: seriesFor(spec, metric, shapes[metric]) }]));
        return {
            name: spec.name,
            version: 1,
            description: spec.description,
            creator: "pulumi-persona",
            created: "2026-11-26",
            tags: spec.tags,
            role: { kind: spec.role, description: spec.roleDescription },
            performance: { ...performance, storageGiB: spec.storageGiB, gpus: spec.gpus ?? 0 } as PersonaInput["performance"],
            security: spec.security,
            lifecycle: spec.lifecycle,
            cost: spec.cost,
        };
    });
}

function main(): void {
    let written = 0;
    for (const input of buildPersonas()) {
        const persona = validatePersona(input, `generated ${input.name}`);
        const file = path.join(BUILTIN_PERSONAS_DIR, persona.name, `${persona.version}.yaml`);
        if (fs.existsSync(file)) {
            continue;
        }
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `# Generated by scripts/generate-personas.ts; versions are immutable: add a new version instead of editing.\n${serializePersona(persona)}`);
        written++;
    }
    console.log(`wrote ${written} persona file(s) under ${BUILTIN_PERSONAS_DIR}`);
}

if (require.main === module) {
    main();
}
