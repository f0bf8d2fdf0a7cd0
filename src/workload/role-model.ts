import { z } from "zod";
import { readJsonAsset } from "../assets";
import { Role, ROLES } from "../persona/schema";

/**
 * The role model: which of the persona roles a workload description is about.
 *
 * Features are TF-IDF weights over word unigrams, word bigrams and character n-grams taken inside
 * words (so "postgres", "postgresql" and "pg_dump" share evidence, and unseen product names still
 * match on their pieces). The classifier is multinomial logistic regression with L2
 * regularisation, fitted by full-batch gradient descent: no randomness, so the same corpus gives
 * the same weights. `scripts/train-role-model.ts` fits it on `training/role-corpus.jsonl` and
 * writes `assets/role-model.json`; this file holds everything both the script and the analyzer use.
 */

/** Words too common to say anything about a role. Kept short: TF-IDF already discounts the rest. */
const STOPWORDS = new Set(
    "a an and are as at be by for from has have i in is it its of on or our so that the their them then there these this to us we with will would".split(" "),
);

/** How texts become features. Stored in the model so prediction featurises exactly as training did. */
export const FeatureConfig = z
    .object({
        wordNgrams: z.number().int().min(1).max(3),
        charNgramMin: z.number().int().min(2),
        charNgramMax: z.number().int().min(2),
        /** A feature must occur in at least this many training texts to enter the vocabulary. */
        minDocumentFrequency: z.number().int().min(1),
    })
    .strict();
export type FeatureConfig = z.infer<typeof FeatureConfig>;

export const RoleModel = z
    .object({
        kind: z.literal("tfidf-logistic-regression"),
        features: FeatureConfig,
        classes: z.array(Role).min(2),
        vocabulary: z.array(z.string()),
        idf: z.array(z.number()),
        /** One row per class, one column per vocabulary entry. */
        weights: z.array(z.array(z.number())),
        bias: z.array(z.number()),
        training: z
            .object({
                corpus: z.string(),
                corpusSha256: z.string(),
                corpusSize: z.number().int(),
                heldOutSize: z.number().int(),
                heldOutAccuracy: z.number(),
                crossValidationAccuracy: z.number(),
                hyperparameters: z.record(z.string(), z.number()),
            })
            .strict(),
    })
    .strict()
    .refine((m) => m.idf.length === m.vocabulary.length && m.weights.length === m.classes.length && m.weights.every((row) => row.length === m.vocabulary.length), "weights, idf and vocabulary disagree in size");
export type RoleModel = z.infer<typeof RoleModel>;

/** Lower-case words; digits become 0 so "7B" and "13B" look alike and figures do not leak into the role. */
export function tokenize(text: string): string[] {
    return (
        text
            .toLowerCase()
            .replace(/\d+([.,]\d+)*/g, "0")
            .match(/[a-z0-9]+(?:[+#][a-z0-9+#]*)?/g)
            ?.filter((w) => !STOPWORDS.has(w)) ?? []
    );
}

/** Raw term counts of a text's features: `w:` words, `b:` bigrams, `c:` character n-grams. */
export function featureCounts(text: string, config: FeatureConfig): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
    const words = tokenize(text);
    for (let n = 1; n <= config.wordNgrams; n++) {
        for (let i = 0; i + n <= words.length; i++) {
            add(`${n === 1 ? "w" : n === 2 ? "b" : "t"}:${words.slice(i, i + n).join(" ")}`);
        }
    }
    for (const word of words) {
        const padded = ` ${word} `;
        for (let n = config.charNgramMin; n <= config.charNgramMax; n++) {
            for (let i = 0; i + n <= padded.length; i++) {
                add(`c:${padded.slice(i, i + n)}`);
            }
        }
    }
    return counts;
}

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
    readonly index: number[];
    readonly value: number[];
}

/** Sublinear TF times IDF, L2-normalised, over the model's vocabulary (unknown features dropped). */
export function vectorize(text: string, config: FeatureConfig, vocabularyIndex: ReadonlyMap<string, number>, idf: readonly number[]): SparseVector {
    const entries: [number, number][] = [];
    for (const [feature, count] of featureCounts(text, config)) {
        const i = vocabularyIndex.get(feature);
        if (i !== undefined) {
            entries.push([i, (1 + Math.log(count)) * idf[i]]);
        }
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, v]) => s + v * v, 0)) || 1;
    return { index: entries.map(([i]) => i), value: entries.map(([, v]) => v / norm) };
}

/** Vocabulary (features in at least `minDocumentFrequency` texts, sorted) and smoothed IDF. */
export function buildVocabulary(texts: readonly string[], config: FeatureConfig): { vocabulary: string[]; idf: number[] } {
    const df = new Map<string, number>();
    for (const text of texts) {
        for (const feature of featureCounts(text, config).keys()) {
            df.set(feature, (df.get(feature) ?? 0) + 1);
        }
    }
    const vocabulary = [...df.entries()]
        .filter(([, n]) => n >= config.minDocumentFrequency)
        .map(([f]) => f)
        .sort();
    const idf = vocabulary.map((f) => Math.log((1 + texts.length) / (1 + (df.get(f) ?? 0))) + 1);
    return { vocabulary, idf };
}

export interface TrainingOptions {
    readonly features: FeatureConfig;
    /** L2 penalty on the weights. */
    readonly l2: number;
    readonly learningRate: number;
    readonly iterations: number;
}

export interface LabelledText {
    readonly text: string;
    readonly role: Role;
}

/**
 * Fits the model: multinomial logistic regression by full-batch gradient descent with Nesterov
 * momentum. Deterministic: no sampling, fixed iteration count, examples in the given order.
 */
export function trainRoleModel(examples: readonly LabelledText[], options: TrainingOptions): Omit<RoleModel, "training"> {
    const classes = [...ROLES];
    const { vocabulary, idf } = buildVocabulary(
        examples.map((e) => e.text),
        options.features,
    );
    const index = new Map(vocabulary.map((f, i) => [f, i]));
    const xs = examples.map((e) => vectorize(e.text, options.features, index, idf));
    const ys = examples.map((e) => classes.indexOf(e.role));
    const k = classes.length;
    const d = vocabulary.length;
    const n = examples.length;
    const w = Array.from({ length: k }, () => new Float64Array(d));
    const b = new Float64Array(k);
    const vw = Array.from({ length: k }, () => new Float64Array(d));
    const vb = new Float64Array(k);
    const momentum = 0.9;
    for (let iteration = 0; iteration < options.iterations; iteration++) {
        // Gradient at the look-ahead point (Nesterov).
        const lw = w.map((row, c) => row.map((v, j) => v + momentum * vw[c][j]));
        const lb = b.map((v, c) => v + momentum * vb[c]);
        const gw = Array.from({ length: k }, () => new Float64Array(d));
        const gb = new Float64Array(k);
        for (let i = 0; i < n; i++) {
            const p = softmax(scores(xs[i], lw, lb));
            for (let c = 0; c < k; c++) {
                const err = (p[c] - (ys[i] === c ? 1 : 0)) / n;
                gb[c] += err;
                const x = xs[i];
                for (let j = 0; j < x.index.length; j++) {
                    gw[c][x.index[j]] += err * x.value[j];
                }
            }
        }
        for (let c = 0; c < k; c++) {
            for (let j = 0; j < d; j++) {
                vw[c][j] = momentum * vw[c][j] - options.learningRate * (gw[c][j] + options.l2 * lw[c][j]);
                w[c][j] += vw[c][j];
            }
            vb[c] = momentum * vb[c] - options.learningRate * gb[c];
            b[c] += vb[c];
        }
    }
    const round = (v: number) => Math.round(v * 1e4) / 1e4;
    return {
        kind: "tfidf-logistic-regression",
        features: options.features,
        classes,
        vocabulary,
        idf: idf.map(round),
        weights: w.map((row) => Array.from(row, round)),
        bias: Array.from(b, round),
    };
}

function scores(x: SparseVector, w: readonly ArrayLike<number>[], b: ArrayLike<number>): number[] {
    return Array.from({ length: w.length }, (_, c) => {
        let s = b[c];
        for (let j = 0; j < x.index.length; j++) {
            s += w[c][x.index[j]] * x.value[j];
        }
        return s;
    });
}

function softmax(z: readonly number[]): number[] {
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
}

/** A prediction: the most probable role, every role's probability, and how much of the text the model knew. */
export interface RolePrediction {
    readonly role: Role;
    readonly probability: number;
    readonly probabilities: Readonly<Record<Role, number>>;
    /** Words of the text that are in the model's vocabulary (0: nothing it has seen). */
    readonly knownWords: number;
}

/** A trained model ready to predict (vocabulary indexed once). */
export class RoleClassifier {
    private readonly index: Map<string, number>;

    constructor(readonly model: Omit<RoleModel, "training">) {
        this.index = new Map(model.vocabulary.map((f, i) => [f, i]));
    }

    predict(text: string): RolePrediction {
        const x = vectorize(text, this.model.features, this.index, this.model.idf);
        const p = softmax(scores(x, this.model.weights, this.model.bias));
        let best = 0;
        p.forEach((v, c) => {
            if (v > p[best]) {
                best = c;
            }
        });
        const knownWords = tokenize(text).filter((word) => this.index.has(`w:${word}`)).length;
        return {
            role: this.model.classes[best],
            probability: p[best],
            probabilities: Object.fromEntries(this.model.classes.map((role, c) => [role, p[c]])) as Record<Role, number>,
            knownWords,
        };
    }
}

export const ROLE_MODEL_ASSET = "role-model.json";

let cachedModel: RoleModel | undefined;
let cachedClassifier: RoleClassifier | undefined;

function shippedModel(): RoleModel {
    cachedModel ??= RoleModel.parse(readJsonAsset<unknown>(ROLE_MODEL_ASSET));
    return cachedModel;
}

/** The trained classifier from `assets/role-model.json`, read and validated once. */
export function roleClassifier(): RoleClassifier {
    cachedClassifier ??= new RoleClassifier(shippedModel());
    return cachedClassifier;
}

/** Training metadata of the shipped model (held-out accuracy and the corpus it came from). */
export function roleModelTraining(): RoleModel["training"] {
    return shippedModel().training;
}
