/** The benchmark's figures, each with its target and PASS/FAIL. */
export class Report {
  private rows: Array<{ name: string; value: number; target: string; pass: boolean; unit: string; note?: string }> = [];

  add(name: string, value: number, target: string, pass: boolean, unit: string, note?: string): void {
    this.rows.push({ name, value, target, pass, unit, note });
  }

  failed(): boolean {
    return this.rows.some((r) => !r.pass);
  }

  print(out: (line: string) => void): void {
    out(`${'figure'.padEnd(74)} ${'measured'.padStart(12)}  ${'target'.padEnd(10)} result`);
    for (const r of this.rows) {
      const value = `${r.value.toFixed(r.unit === '×' ? 2 : 1)} ${r.unit}`;
      out(`${r.name.padEnd(74)} ${value.padStart(12)}  ${r.target.padEnd(10)} ${r.target === 'reference' || r.target === 'reported' ? '—' : r.pass ? 'PASS' : 'FAIL'}`);
      if (r.note) out(`${''.padEnd(6)}${r.note}`);
    }
    const failed = this.rows.filter((r) => !r.pass);
    out(failed.length ? `\n${failed.length} target(s) missed.` : '\nAll targets met.');
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

