/** A text table with a header row; columns are left-aligned unless `align` says right (for money). */
export function table(header: string[], rows: string[][], align: ("left" | "right")[] = []): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const pad = (cell: string, i: number, last: boolean) => (align[i] === "right" ? cell.padStart(widths[i]) : last ? cell : cell.padEnd(widths[i]));
    const line = (cells: string[]) => cells.map((c, i) => pad(c, i, i === cells.length - 1)).join("  ");
    return `${[header, ...rows].map(line).join("\n")}\n`;
}
