/**
 * Trains the role model on the labelled corpus and writes `assets/role-model.json`.
 *
 * 1. Reads `training/role-corpus.jsonl` (one `{ "role", "text" }` per line).
 * 2. Held-out evaluation: a stratified split (every role keeps `heldOutFraction` of its texts
 *    aside, chosen by a seeded shuffle), trained on the rest, accuracy on the held-out texts.
 * 3. Stratified k-fold cross-validation on the whole corpus, for a steadier figure.
 * 4. The shipped model is trained on the whole corpus with the same hyperparameters.
 *
 * Deterministic: seeded shuffles, full-batch gradient descent. Usage: npm run train
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { assetPath, PACKAGE_ROOT } from "../src/assets";
import { parseInput } from "../src/errors";
import { Role, ROLES } from "../src/persona/schema";
import { LabelledText, ROLE_MODEL_ASSET, RoleClassifier, RoleModel, trainRoleModel, TrainingOptions } from "../src/workload/role-model";
import { seededRandom } from "../src/random";

export const CORPUS = "training/role-corpus.jsonl";

export const TRAINING: TrainingOptions = {
    features: { wordNgrams: 2, charNgramMin: 3, charNgramMax: 4, minDocumentFrequency: 2 },
    l2: 0.0001,
    learningRate: 4,
    iterations: 300,
};
const SEED = 4;
const HELD_OUT_FRACTION = 0.2;
const FOLDS = 5;

const CorpusLine = z.object({ role: Role, text: z.string().min(3) }).strict();

/** Reads and validates the corpus; a bad line is reported with its line number. */
export function readCorpus(file: string = path.join(PACKAGE_ROOT, CORPUS)): { examples: LabelledText[]; sha256: string } {
    const raw = fs.readFileSync(file, "utf8");
    const examples = raw
        .split("\n")
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => line.trim() !== "")
        .map(({ line, i }) => parseInput(CorpusLine, JSON.parse(line), `${CORPUS}:${i + 1}`));
    return { examples, sha256: crypto.createHash("sha256").update(raw).digest("hex") };
}


function shuffled<T>(items: readonly T[], random: () => number): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

/** Assigns every example a fold 0..folds-1, round-robin within its role after a seeded shuffle. */
function stratifiedFolds(examples: readonly LabelledText[], folds: number, seed: number): number[] {
    const random = seededRandom(seed);
    const fold = new Array<number>(examples.length).fill(0);
    for (const role of ROLES) {
        const idx = shuffled(
            examples.map((e, i) => ({ e, i })).filter(({ e }) => e.role === role).map(({ i }) => i),
            random,
        );
        idx.forEach((i, n) => {
            fold[i] = n % folds;
        });
    }
    return fold;
}

export interface Evaluation {
    readonly accuracy: number;
    readonly mistakes: { text: string; expected: Role; predicted: Role; probability: number }[];
    readonly perRole: Record<Role, { correct: number; total: number }>;
}

export function evaluate(train: readonly LabelledText[], test: readonly LabelledText[], options: TrainingOptions = TRAINING): Evaluation {
    const classifier = new RoleClassifier(trainRoleModel(train, options));
    const perRole = Object.fromEntries(ROLES.map((r) => [r, { correct: 0, total: 0 }])) as Record<Role, { correct: number; total: number }>;
    const mistakes: Evaluation["mistakes"] = [];
    for (const example of test) {
        const prediction = classifier.predict(example.text);
        perRole[example.role].total += 1;
        if (prediction.role === example.role) {
            perRole[example.role].correct += 1;
        } else {
            mistakes.push({ text: example.text, expected: example.role, predicted: prediction.role, probability: prediction.probability });
        }
    }
    return { accuracy: (test.length - mistakes.length) / test.length, mistakes, perRole };
}

/** Splits, evaluates, cross-validates and trains the shipped model. */
export function trainFromCorpus(examples: readonly LabelledText[], sha256: string): { model: RoleModel; heldOut: Evaluation; crossValidation: number } {
    // Held-out split: fold 0 of a 1/HELD_OUT_FRACTION-fold stratified assignment.
    const split = stratifiedFolds(examples, Math.round(1 / HELD_OUT_FRACTION), SEED);
    const heldOut = evaluate(
        examples.filter((_, i) => split[i] !== 0),
        examples.filter((_, i) => split[i] === 0),
    );
    const folds = stratifiedFolds(examples, FOLDS, SEED + 1);
    let correct = 0;
    for (let f = 0; f < FOLDS; f++) {
        const test = examples.filter((_, i) => folds[i] === f);
        const result = evaluate(
            examples.filter((_, i) => folds[i] !== f),
            test,
        );
        correct += Math.round(result.accuracy * test.length);
    }
    const crossValidation = correct / examples.length;
    const trained = trainRoleModel(examples, TRAINING);
    const model = RoleModel.parse({
        ...trained,
        training: {
            corpus: CORPUS,
            corpusSha256: sha256,
            corpusSize: examples.length,
            heldOutSize: split.filter((f) => f === 0).length,
            heldOutAccuracy: Math.round(heldOut.accuracy * 1e4) / 1e4,
            crossValidationAccuracy: Math.round(crossValidation * 1e4) / 1e4,
            hyperparameters: {
                wordNgrams: TRAINING.features.wordNgrams,
                charNgramMin: TRAINING.features.charNgramMin,
                charNgramMax: TRAINING.features.charNgramMax,
                minDocumentFrequency: TRAINING.features.minDocumentFrequency,
                l2: TRAINING.l2,
                learningRate: TRAINING.learningRate,
                iterations: TRAINING.iterations,
                seed: SEED,
                heldOutFraction: HELD_OUT_FRACTION,
                folds: FOLDS,
            },
        },
    });
    return { model, heldOut, crossValidation };
}

function run(): void {
    const started = process.hrtime.bigint();
    const { examples, sha256 } = readCorpus();
    const { model, heldOut, crossValidation } = trainFromCorpus(examples, sha256);
    const out = assetPath(ROLE_MODEL_ASSET);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(model)}\n`);
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    console.log(`corpus: ${examples.length} labelled descriptions, ${ROLES.length} roles (${CORPUS})`);
    console.log(`features: ${model.vocabulary.length} (word 1-2 grams, char ${TRAINING.features.charNgramMin}-${TRAINING.features.charNgramMax} grams, df >= ${TRAINING.features.minDocumentFrequency})`);
    console.log(`held-out accuracy: ${pct(heldOut.accuracy)} on ${model.training.heldOutSize} texts (stratified ${HELD_OUT_FRACTION * 100} %, seed ${SEED})`);
    console.log(`${FOLDS}-fold cross-validation accuracy: ${pct(crossValidation)}`);
    for (const role of ROLES) {
        const r = heldOut.perRole[role];
        console.log(`  ${role.padEnd(14)} ${r.correct}/${r.total}`);
    }
    for (const m of heldOut.mistakes) {
        console.log(`  miss: "${m.text}" -> ${m.predicted} (${m.probability.toFixed(2)}), labelled ${m.expected}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`wrote ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB) in ${seconds.toFixed(1)} s`);
}

if (require.main === module) {
    run();
}
