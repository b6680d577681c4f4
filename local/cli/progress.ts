// Renders backfill progress (ra_internal.backfill_progress()) as one terminal line.

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
    ? `${m}m${String(sec).padStart(2, "0")}s`
    : `${sec}s`;
}

// deno-lint-ignore no-explicit-any
export function renderProgress(p: any, elapsedMs: number, width = 28): string {
  const total = Math.max(1, p.days?.in_plan ?? 0);
  const done = (p.days?.done ?? 0) + (p.days?.failed ?? 0);
  const frac = Math.min(1, done / total);
  const filled = Math.round(frac * width);
  const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
  const eta = p.eta_seconds != null ? formatDuration(p.eta_seconds * 1000) : "–";
  const failed = p.days?.failed ? ` failed ${p.days.failed}` : "";
  return `${bar} ${(frac * 100).toFixed(1)}% days ${done}/${total}${failed} | races ${p.rows?.races ?? 0} ` +
    `runners ${p.rows?.runners ?? 0} | API ${p.api_calls?.per_second ?? 0}/s (${
      p.api_calls?.pages ?? 0
    } pages) | ` +
    `${p.state} | elapsed ${formatDuration(elapsedMs)} ETA ${eta}`;
}
