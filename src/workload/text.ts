import { InputError } from "../errors";
import { Framework, Sensitivity } from "../persona/schema";
import { ComplianceSignal, Note, Scale } from "./facts";
import { sizeUnitToGiB } from "./schema";

/**
 * Reading figures, scale, timing and compliance signals out of a workload description.
 * Rule-based on purpose: units and numbers have a grammar, and a rule can say exactly which words
 * it read ("50k daily users"), which the demand's assumptions quote back to the user.
 */

/** What a counted or timed thing is. */
export type Noun =
    | "requests"
    | "queries"
    | "transactions"
    | "orders"
    | "messages"
    | "operations"
    | "predictions"
    | "builds"
    | "users"
    | "sessions"
    | "keys"
    | "documents"
    | "rows"
    | "organisations"
    | "developers"
    | "devices"
    | "connections"
    | "items";

/** Word stems to nouns. The first match wins, so specific stems come first. */
const NOUNS: readonly [RegExp, Noun][] = [
    [/^(requests?|reqs?|calls?|hits?|pageviews?|page-views?|views?|api)$/, "requests"],
    [/^(quer(y|ies)|searches|search|lookups?)$/, "queries"],
    [/^(transactions?|txns?|tx|writes?|reads?|inserts?|updates?)$/, "transactions"],
    [/^(orders?|purchases?|bookings?|payments?|checkouts?|sales?)$/, "orders"],
    [/^(messages?|msgs?|events?|readings?|notifications?|logs?|lines?|records?)$/, "messages"],
    [/^(ops|operations?|gets?|sets?|commands?)$/, "operations"],
    [/^(predictions?|inferences?|scores?|classifications?)$/, "predictions"],
    [/^(builds?|jobs?|pipelines?|commits?|pushes|push)$/, "builds"],
    [/^(users?|visitors?|visits?|customers?|members?|players?|subscribers?|people|shoppers?|patients?|students?|readers?|employees?|staff|accounts?|clients?)$/, "users"],
    [/^(sessions?)$/, "sessions"],
    [/^(keys?|objects?|entries|entry|counters?|tokens?)$/, "keys"],
    [/^(documents?|docs?|products?|listings?|postings?|articles?|pages?|polic(y|ies)|tickets?|tracks?|images?|photos?|vectors?|emails?|files?|tweets?|contracts?|invoices?|videos?|samples?|statements?)$/, "documents"],
    [/^(rows?)$/, "rows"],
    [/^(clinics?|stores?|shops?|hospitals?|branch(es)?|offices?|schools?|restaurants?|hotels?|tenants?|sites?|websites?|practices?|pharmac(y|ies)|warehouses?|compan(y|ies)|organi[sz]ations?)$/, "organisations"],
    [/^(developers?|engineers?|devs?|programmers?)$/, "developers"],
    [/^(devices?|sensors?|servers?|hosts?|machines?|meters?|turbines?|vehicles?|cameras?)$/, "devices"],
    [/^(connections?|websockets?|sockets?)$/, "connections"],
    [/^(items?)$/, "items"],
];

/** Words between a number and its noun that qualify it (and which we read for period and kind). */
const MODIFIERS = /^(daily|monthly|weekly|hourly|concurrent|simultaneous|active|registered|unique|new|small|large|labelled|labeled|connected|paying|online|internal|external|api|http|web|page|product|user|customer|incoming|outgoing|total|more|than|over|about|around|roughly|up|to|of|the|distinct|write|read|database|db|kafka|log|clinical|medical|patient|short|long|tiny|big|hot|raw|indexed|json|mobile|active)$/;

const PERIOD_SECONDS: Readonly<Record<string, number>> = {
    s: 1,
    sec: 1,
    second: 1,
    minute: 60,
    min: 60,
    hour: 3600,
    hr: 3600,
    h: 3600,
    day: 86400,
    night: 86400,
    week: 7 * 86400,
    month: 30 * 86400,
    year: 365 * 86400,
};

const MULTIPLIERS: Readonly<Record<string, number>> = {
    k: 1e3,
    thousand: 1e3,
    m: 1e6,
    mm: 1e6,
    mn: 1e6,
    million: 1e6,
    b: 1e9,
    bn: 1e9,
    billion: 1e9,
    t: 1e12,
    trillion: 1e12,
};

/** A figure found in the text, before the role decides what it means. */
export type Mention =
    | { readonly kind: "size"; readonly gib: number; readonly per?: "second" | "hour" | "day" | "run" | "week" | "month"; readonly of?: "memory" | "model" | "workingSet"; readonly text: string }
    | { readonly kind: "rate"; readonly noun: Noun; readonly perSecond: number; readonly periodSeconds: number; readonly qualifier: "peak" | "average" | "unstated"; readonly text: string }
    | { readonly kind: "count"; readonly noun: Noun; readonly value: number; readonly concurrent: boolean; readonly text: string }
    | { readonly kind: "parameters"; readonly value: number; readonly text: string }
    | { readonly kind: "gpus"; readonly value: number; readonly text: string }
    | { readonly kind: "duration"; readonly hours: number; readonly what: "deadline" | "retention" | "build" | "training" | "latency"; readonly text: string }
    | { readonly kind: "readRatio"; readonly value: number; readonly text: string }
    | { readonly kind: "unknown"; readonly text: string }
    | { readonly kind: "unitSize"; readonly bytes: number; readonly of: "value" | "message" | "document" | "response"; readonly text: string };

export interface TextFindings {
    readonly mentions: readonly Mention[];
    readonly scale?: { readonly value: Scale; readonly source: string };
    readonly timing?: { readonly shape: string; readonly source: string };
    readonly compliance: readonly ComplianceSignal[];
    readonly sensitivity?: { readonly value: Sensitivity; readonly source: string };
    readonly schedule?: { readonly runsPerDay: number; readonly source: string };
    /** Words that ask for an accelerator ("on GPUs", "deep learning"), for ML roles. */
    readonly accelerator?: string;
    readonly notes: readonly Note[];
}

const NUMBER = /(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(k|thousand|mm|mn|m|million|bn|b|billion|t|trillion)\b)?/gi;

/** `your text: "50k daily users"` */
export function quote(text: string): string {
    return `your text: "${text.trim().replace(/\s+/g, " ")}"`;
}

/**
 * Reads every figure, the scale, the timing and the compliance signals of a description.
 * Throws an InputError for a unit it cannot read (`20 XB`).
 */
export function readText(original: string, input: string): TextFindings {
    const text = spellOutNumbers(original);
    const mentions: Mention[] = [];
    const lower = text.toLowerCase();
    NUMBER.lastIndex = 0;
    for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        const base = Number(m[1].replace(/,/g, ""));
        const multiplierWord = m[2]?.toLowerCase();
        const before = lower.slice(Math.max(0, start - 40), start);
        const after = text.slice(end, end + 80);
        const afterLower = after.toLowerCase();
        const mention = readNumber(base, multiplierWord, before, after, afterLower, text, start, end, input);
        if (mention) {
            mentions.push(mention);
        }
    }
    // "by 6 am": a deadline counted from midnight.
    const by = /\b(?:by|before|until)\s+(\d{1,2})\s*(?:am|a\.m\.)/i.exec(text);
    if (by) {
        mentions.push({ kind: "duration", hours: Math.max(1, Number(by[1])), what: "deadline", text: by[0] });
    }
    return {
        mentions,
        scale: readScale(lower, text),
        timing: readTiming(lower, text),
        compliance: readCompliance(text),
        sensitivity: readSensitivity(text),
        schedule: readSchedule(text),
        accelerator: /\b(gpus?|cuda|deep learning|neural net(?:work)?s?|transformers?|llms?|language models?|diffusion|computer vision|vision|images?|photos?|speech|audio|bert|whisper|pytorch|tensorflow|a100s?|h100s?)\b/i.exec(text)?.[0],
        notes: [
            ...readNotes(text),
            ...mentions
                .filter((m) => m.kind === "unknown")
                .map((m) => ({ question: `"${m.text}" was not used: the analyzer sizes requests, queries, transactions, messages, operations, users, orders and data; say which of these it is.` })),
        ],
    };
}

const NUMBER_WORDS: Readonly<Record<string, number>> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, twenty: 20, fifty: 50, "half a": 0.5, "a few": 3, several: 5 };

/** "a million requests" -> "1 million requests", "two thousand" -> "2 thousand", so one grammar reads both. */
function spellOutNumbers(text: string): string {
    return text.replace(/\b(half a|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|several)\s+(hundred|thousand|million|billion)\b/gi, (_, word: string, scale: string) => {
        const n = NUMBER_WORDS[word.toLowerCase()];
        return scale.toLowerCase() === "hundred" ? String(n * 100) : `${n} ${scale}`;
    });
}

function readNumber(base: number, multiplierWord: string | undefined, before: string, after: string, afterLower: string, text: string, start: number, end: number, input: string): Mention | undefined {
    const excerpt = (length: number) => text.slice(start, end + length).replace(/[\s,;:.]+$/, "");
    // A data size: "200 GB", "2TB of data", "1 GB/s", "50 GB of logs every hour", "64 GB of RAM".
    const size = /^\s*([A-Za-z]{1,9})\b/.exec(after);
    if (size && multiplierWord === undefined) {
        const perUnit = sizeUnitToGiB(size[1]);
        if (perUnit !== undefined) {
            const rest = afterLower.slice(size[0].length);
            const gib = base * perUnit;
            const rate = /^\s*(?:\/\s*s(?:ec(?:ond)?)?\b|per\s+sec(?:ond)?\b|a\s+second\b)/.exec(rest);
            if (rate) {
                return { kind: "size", gib, per: "second", text: excerpt(size[0].length + rate[0].length) };
            }
            const per = /^\s*(?:of\s+(?:[a-z-]+\s+){0,2}?)?(?:per|a|an|each|every|\/)\s*(day|night|run|hour|week|month)\b/.exec(rest);
            if (per) {
                const unit = per[1] === "night" ? "day" : (per[1] as "day" | "run" | "hour" | "week" | "month");
                return { kind: "size", gib, per: unit, text: excerpt(size[0].length + per[0].length) };
            }
            if (/^\s*(?:of\s+)?(?:ram|memory)\b/.test(rest)) {
                return { kind: "size", gib, of: "memory", text: excerpt(size[0].length + (/^\s*(?:of\s+)?(?:ram|memory)/.exec(rest)?.[0].length ?? 0)) };
            }
            const hot = /^\s*(?:of\s+)?(?:working[- ]set|hot data|hot)\b/.exec(rest);
            if (hot) {
                return { kind: "size", gib, of: "workingSet", text: excerpt(size[0].length + hot[0].length) };
            }
            if (/^\s*(?:\w+\s+)?model\b/.test(rest)) {
                return { kind: "size", gib, of: "model", text: excerpt(size[0].length + (/^\s*(?:\w+\s+)?model/.exec(rest)?.[0].length ?? 0)) };
            }
            const unitOf = /^\s*(?:per\s+)?(values?|objects?|items?|keys?|entry|entries|messages?|events?|payloads?|records?|documents?|docs?|responses?|requests?)\b/.exec(rest);
            if (unitOf && gib < 1 / 1024) {
                const noun = unitOf[1].replace(/s$/, "");
                const of = /^(message|event|payload|record)$/.test(noun) ? "message" : /^(document|doc)$/.test(noun) ? "document" : /^(response|request)$/.test(noun) ? "response" : "value";
                return { kind: "unitSize", bytes: gib * 2 ** 30, of, text: excerpt(size[0].length + unitOf[0].length) };
            }
            return { kind: "size", gib, text: excerpt(size[0].length) };
        }
        // Looks like a size unit (2-3 letters ending in B, written with capitals) but is not one we know.
        if (/^[A-Za-z]?[A-Z][bB]$|^[A-Z][a-z]?B$/.test(size[1]) && !/^(DB|AB)$/.test(size[1])) {
            throw InputError.single(input, "", `unknown unit "${size[1]}" in "${excerpt(size[0].length).trim()}"`, "write data sizes in KB, MB, GB, TB or PB (or KiB, MiB, GiB, TiB, PiB)");
        }
    }
    const value = base * (multiplierWord ? (MULTIPLIERS[multiplierWord] ?? 1) : 1);
    // Percent of reads or writes: "80% reads".
    const percent = /^\s*%\s*(?:of\s+)?(reads?|writes?)\b/i.exec(after);
    if (percent) {
        const share = Math.min(1, base / 100);
        return { kind: "readRatio", value: percent[1].toLowerCase().startsWith("read") ? share : 1 - share, text: excerpt(percent[0].length) };
    }
    // Model parameters: "7B", "13 billion parameters", "70B model", "Llama 3 8B".
    const params = /^[\s-]*(?:param(?:eter)?s?|(?:\w+\s+)?(?:model|llm)s?)\b/i.exec(after);
    if ((multiplierWord === "b" || multiplierWord === "billion" || multiplierWord === "m" || multiplierWord === "million") && (params || (multiplierWord === "b" && /(llama|mistral|gemma|qwen|falcon|phi|model|llm)[\w\s.-]{0,6}$/.test(before)))) {
        return { kind: "parameters", value, text: excerpt(params?.[0].length ?? 0) };
    }
    // GPUs: "8 GPUs", "4 x A100", "8 A100s".
    const gpus = /^\s*(?:x\s*)?(?:nvidia\s+)?(gpus?|a100s?|h100s?|a10g?s?|v100s?|t4s?|l4s?|l40s?)\b/i.exec(after);
    if (gpus) {
        return { kind: "gpus", value, text: excerpt(gpus[0].length) };
    }
    // Durations: "7 days retention", "within 2 hours", "builds take 15 minutes", "in under 10 ms".
    const duration = /^\s*(ms|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?)\b/i.exec(after);
    if (duration) {
        const unit = duration[1].toLowerCase();
        const hours = unit.startsWith("ms") || unit.startsWith("milli") ? value / 3.6e6 : unit.startsWith("s") ? value / 3600 : unit.startsWith("min") ? value / 60 : unit.startsWith("h") ? value : unit.startsWith("d") ? value * 24 : value * 168;
        const rest = afterLower.slice(duration[0].length);
        const around = `${before} ${rest.slice(0, 30)}`;
        const what = /retention|retain|kept|keep/.test(around)
            ? "retention"
            : /\bms\b|millisecond|latency|respon/.test(around) || unit === "ms" || unit.startsWith("milli")
              ? "latency"
              : /build|compile|test suite|pipeline takes|gradle|ci\b/.test(around)
                ? "build"
                : /train/.test(around)
                  ? "training"
                  : /within|under|deadline|finish|complete|done|window|in less than|by/.test(around)
                    ? "deadline"
                    : undefined;
        if (what) {
            return { kind: "duration", hours, what, text: `${before.slice(before.lastIndexOf(" ", before.length - 2) + 1)}${excerpt(duration[0].length)}`.trim() };
        }
        return undefined;
    }
    // Rate abbreviations: "200 rps", "5k qps", "300 req/s", "1,000 ops/s", "2000 msg/s".
    const abbreviation = /^\s*(rps|qps|tps|rpm|req\/s|reqs\/s|requests\/s|queries\/s|ops\/s|msgs?\/s|messages\/s|events\/s|tx\/s)\b/i.exec(after);
    if (abbreviation) {
        const a = abbreviation[1].toLowerCase();
        const noun: Noun = a.startsWith("q") ? "queries" : a.startsWith("t") ? "transactions" : a.startsWith("o") ? "operations" : a.startsWith("m") || a.startsWith("e") ? "messages" : "requests";
        const perSecond = a === "rpm" ? value / 60 : value;
        return { kind: "rate", noun, perSecond, periodSeconds: a === "rpm" ? 60 : 1, qualifier: qualifier(before, afterLower.slice(abbreviation[0].length), true), text: excerpt(abbreviation[0].length) };
    }
    // A noun, possibly after modifiers: "50k daily users", "5 million sessions", "2 million page views".
    const clause = /^[^,;:.()!?]*/.exec(after)?.[0] ?? "";
    const list = (/^\s*((?:[A-Za-z][\w-]*(?:\s+|$)){0,5})/.exec(clause)?.[1] ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const nounOf = (w: string | undefined) => (w === undefined ? undefined : NOUNS.find(([re]) => re.test(w))?.[1]);
    let at = 0;
    while (at < list.length - 1 && MODIFIERS.test(list[at]) && (nounOf(list[at + 1]) !== undefined || MODIFIERS.test(list[at + 1]))) {
        at++;
    }
    const modifiers = list.slice(0, at);
    const noun = nounOf(list[at]);
    if (noun === undefined) {
        // "5 million a day": a bare rate; the role decides what is counted.
        const bare = /^\s*(?:per|a|an|each|every|\/)\s*(second|sec|minute|min|hour|day|night|week|month)\b/i.exec(after);
        if (bare) {
            const period = PERIOD_SECONDS[bare[1].toLowerCase()];
            return { kind: "rate", noun: "items", perSecond: value / period, periodSeconds: period, qualifier: qualifier(before, afterLower.slice(bare[0].length), period <= 60), text: excerpt(bare[0].length) };
        }
        // "50 bananas per second": a rate of something the analyzer cannot size.
        const unknown = /^\s*((?:[A-Za-z][\w-]*\s+){1,2}?)(?:per|a|an|each|every|\/)\s*(second|sec|minute|min|hour|day|week|month)\b/i.exec(after);
        if (unknown) {
            return { kind: "unknown", text: excerpt(unknown[0].length) };
        }
        return undefined;
    }
    const nounMatch = new RegExp(`^\\s*(?:\\S+\\s+){${at}}\\S+`).exec(after);
    const consumed = nounMatch?.[0].length ?? 0;
    const rest = afterLower.slice(consumed);
    const period = /^\s*(?:(?:per|a|an|each|every|\/)\s*|in\s+an?\s+)(second|sec|s|minute|min|hour|hr|day|night|week|month|year)\b/.exec(rest);
    const adjective = modifiers.find((w) => /^(daily|monthly|weekly|hourly)$/.test(w));
    if (period || adjective) {
        const seconds = period ? PERIOD_SECONDS[period[1]] : { daily: 86400, monthly: 30 * 86400, weekly: 7 * 86400, hourly: 3600 }[adjective as "daily"];
        const length = consumed + (period?.[0].length ?? 0);
        return { kind: "rate", noun, perSecond: value / seconds, periodSeconds: seconds, qualifier: qualifier(before, rest.slice(period?.[0].length ?? 0), seconds <= 60), text: excerpt(length) };
    }
    const concurrent = modifiers.some((w) => /^(concurrent|simultaneous)$/.test(w)) || /^\s*(?:online\s+)?at\s+(?:the\s+)?same\s+time|^\s*(?:connected\s+)?concurrently/.test(rest) || noun === "connections";
    return { kind: "count", noun, value, concurrent, text: excerpt(consumed) };
}

/** Whether a rate is a peak or an average: said around it, else per-second rates read as peaks. */
function qualifier(before: string, after: string, shortPeriod: boolean): "peak" | "average" | "unstated" {
    // Only the words of this figure's own clause: not a qualifier of the figure before it.
    const cuts = [",", ";", ".", " and ", " with "].map((sep) => (before.includes(sep) ? before.lastIndexOf(sep) + sep.length : 0));
    const own = before.slice(Math.max(0, before.search(/\d[^\d]*$/) + 1, ...cuts));
    const next = after.split(/[,;.\d]|\band\b|\bbut\b|\bwith\b/)[0];
    for (const near of [own.slice(-25), next.slice(0, 25)]) {
        if (/peak|at most|up to|max(imum)?|busiest|spikes? (to|of)|bursts? (to|of)/.test(near)) {
            return "peak";
        }
        if (/average|on avg|avg|typical(ly)?|normally|mean/.test(near)) {
            return "average";
        }
    }
    return shortPeriod ? "unstated" : "average";
}

const SCALE_WORDS: readonly [RegExp, Scale][] = [
    [/\b(huge|massive|giant|enormous|very large|very big|internet[- ]scale|planet[- ]scale|hyperscale)\b/, "huge"],
    [/\b(large|big|busy|high[- ]traffic|heavy traffic|enterprise|large[- ]scale|popular|high[- ]volume)\b/, "large"],
    [/\b(medium-sized|medium traffic|mid-sized|midsize|mid-size|mid-market|average-sized|moderate|medium)\b/, "medium"],
    [/\b(tiny|small|little|modest|hobby|side project|personal|low[- ]traffic|a few users|handful)\b/, "small"],
];

function readScale(lower: string, text: string): TextFindings["scale"] {
    let best: { index: number; value: Scale; word: string } | undefined;
    for (const [re, value] of SCALE_WORDS) {
        const m = re.exec(lower);
        if (m && (best === undefined || m.index < best.index)) {
            best = { index: m.index, value, word: text.slice(m.index, m.index + m[0].length) };
        }
    }
    return best && { value: best.value, source: quote(best.word) };
}

/** Words that say when the load comes, to the learned shape that has it. */
const TIMING: readonly [RegExp, string][] = [
    [/\b(nightly|overnight|every night|each night|at night|night-?time|after midnight|\d{1,2}\s*am\b|small hours)/, "nightly-batch"],
    [/\b(evening|after work|prime time|after (business hours|market close|close|hours)|end of (the )?day|dinner)/, "evening-peak"],
    [/\b(office hours|business hours|working hours|9[- ]to[- ]5|9-5|daytime|during the day|lunchtime|weekdays?|in the morning|morning)/, "business-hours"],
    [/\b(24\/7|around the clock|round the clock|constant(ly)?|steady|flat out|continuous(ly)?|all day and night)/, "steady"],
    [/\b(bursts?|bursty|spiky|spikes?|on demand|on-demand|sporadic|irregular|when popular|go on sale)/, "spiky"],
];

function readTiming(lower: string, text: string): TextFindings["timing"] {
    let best: { index: number; shape: string; word: string } | undefined;
    for (const [re, shape] of TIMING) {
        const m = re.exec(lower);
        if (m && (best === undefined || m.index < best.index)) {
            best = { index: m.index, shape, word: text.slice(m.index, m.index + m[0].length) };
        }
    }
    return best && { shape: best.shape, source: quote(best.word) };
}

/** Phrases that signal a compliance framework. */
const COMPLIANCE: readonly [RegExp, Framework][] = [
    [/\b(pci(?:[- ]?dss)?|card payments?|credit[- ]cards?|debit[- ]cards?|cardholder|payment cards?|card (?:data|numbers?|transactions?|details|checkout|controls)|charges? (?:\w+ )?cards?|pays? by card|card checkout)\b/i, "pci-dss"],
    [/\b(hipaa|patients?|phi|protected health|health (?:records?|data|information)|medical (?:records?|imaging|images|scans?)|ehr|emr|clinical|lab results|radiologists?|x-rays?|prescriptions?|telemedicine|hl7)\b/i, "hipaa"],
    [/\b(gdpr|eu (?:residents?|citizens?|customers?|users?|data)|european (?:customers?|users?|residents?|citizens?)|(?:customers?|users?|residents?|people) in the eu|personal data of eu)\b/i, "gdpr"],
    [/\b(soc ?2|soc-2|service organi[sz]ation controls?)\b/i, "soc2"],
];

function readCompliance(text: string): ComplianceSignal[] {
    const signals: ComplianceSignal[] = [];
    for (const [re, framework] of COMPLIANCE) {
        const m = re.exec(text);
        if (m) {
            signals.push({ framework, evidence: quote(m[0]) });
        }
    }
    return signals;
}

function readSensitivity(text: string): TextFindings["sensitivity"] {
    const restricted = /\b(card (?:payments?|data|numbers?)|credit cards?|cardholder|patients?|health records?|medical records?|phi|pci|hipaa|payments?)\b/i.exec(text);
    if (restricted) {
        return { value: "restricted", source: quote(restricted[0]) };
    }
    const confidential = /\b(personal data|gdpr|eu residents?|customer data|accounts?|financial|bank(?:ing)?|insurance|hr data|salar(?:y|ies)|payroll|soc ?2)\b/i.exec(text);
    if (confidential) {
        return { value: "confidential", source: quote(confidential[0]) };
    }
    const internal = /\b(internal|intranet|employees|staff|back-?office)\b/i.exec(text);
    if (internal) {
        return { value: "internal", source: quote(internal[0]) };
    }
    const open = /\b(public website|static (?:site|pages?)|open source|documentation site|marketing site|blog)\b/i.exec(text);
    return open ? { value: "public", source: quote(open[0]) } : undefined;
}

function readSchedule(text: string): TextFindings["schedule"] {
    const rules: readonly [RegExp, number][] = [
        [/\b(hourly|every hour|each hour|per hour)\b/i, 24],
        [/\b(nightly|every night|each night|daily|every day|each day|overnight|once a day|each morning|every morning)\b/i, 1],
        [/\b(weekly|every week|each week|over the weekend)\b/i, 1 / 7],
        [/\b(monthly|every month|each month|end of (?:each |the )?month|month-end)\b/i, 1 / 30],
    ];
    for (const [re, runsPerDay] of rules) {
        const m = re.exec(text);
        if (m) {
            return { runsPerDay, source: quote(m[0]) };
        }
    }
    return undefined;
}

function readNotes(text: string): Note[] {
    const notes: Note[] = [];
    const seasonal = /\b(black friday|cyber monday|christmas|holiday season|sales? events?|launch day|go on sale|tax season)\b/i.exec(text);
    if (seasonal) {
        notes.push({ question: `"${seasonal[0]}" was mentioned: the weekly shape does not show seasonal peaks; give the request rate at that peak to size for it.` });
    }
    const shop = /\b(e-?commerce|web ?shop|online (?:store|shop)|storefront|checkout|woocommerce|magento|shopify)\b/i.exec(text);
    if (shop && !COMPLIANCE.some(([re, framework]) => framework === "pci-dss" && re.test(text))) {
        notes.push({ question: `Does the shop ("${shop[0]}") take card payments itself (not only through a payment provider's hosted page)? If so, say "card payments" to apply pci-dss.`, unlessCompliance: "pci-dss" });
    }
    return notes;
}
