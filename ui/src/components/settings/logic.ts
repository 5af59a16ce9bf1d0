// Pure logic of the Settings page: checking what the seller typed before it is sent (the
// store checks again and refuses the same things, so nothing stored changes on bad input),
// and the explanations the page shows next to each shop fact.
import type { HoursSpan } from '../../lib/bindings';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const DAY_LABELS: Record<string, string> = {
  mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday',
};
export const REGIONS = ['US', 'MY', 'PH', 'ID', 'TH', 'VN', 'SG'] as const;

/** Minutes after local midnight of `HH:MM` (00:00 to 24:00), or null when it is not one. */
export function minutes(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min >= 60 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/**
 * What is wrong with a week of opening hours, or null when it can be saved: each span is
 * `HH:MM`, closes after it opens (an overnight span is split at 24:00), spans of a day do not
 * overlap, and some day is open. Errors name the day and span, for the inline message.
 */
export function hoursError(spans: HoursSpan[]): string | null {
  if (spans.length === 0) return 'Give at least one opening span (holiday mode is the switch for a closed shop).';
  const byDay: Record<string, [number, number][]> = {};
  for (const s of spans) {
    if (!(DAYS as readonly string[]).includes(s.day)) return `Unknown day “${s.day}”.`;
    const day = DAY_LABELS[s.day];
    const open = minutes(s.open);
    const close = minutes(s.close);
    if (open === null) return `${day}: opening time “${s.open}” is not HH:MM (00:00 to 24:00).`;
    if (close === null) return `${day}: closing time “${s.close}” is not HH:MM (00:00 to 24:00).`;
    if (close <= open) return `${day}: closing time ${s.close} is not after opening time ${s.open} (split an overnight span at 24:00).`;
    (byDay[s.day] ||= []).push([open, close]);
  }
  for (const [d, list] of Object.entries(byDay)) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) {
      if (list[i][0] < list[i - 1][1]) return `${DAY_LABELS[d]}: two opening spans overlap.`;
    }
  }
  return null;
}

/** Whether the runtime knows `tz` as an IANA zone (the store checks against the tz database). */
export function zoneError(tz: string): string | null {
  const t = tz.trim();
  if (!t) return 'Give the shop’s time zone (such as Asia/Kuala_Lumpur).';
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(t) && t !== 'UTC') return `“${tz}” is not an IANA time zone (such as Asia/Kuala_Lumpur).`;
  try {
    new Intl.DateTimeFormat('en', { timeZone: t });
    return null;
  } catch {
    return `“${tz}” is not an IANA time zone (such as Asia/Kuala_Lumpur).`;
  }
}

/** A due-soon lead in minutes from 0 to 1440 (§4; the store's own bounds). */
export function leadError(value: string | number): string | null {
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isInteger(n) || n < 0 || n > 1440) return 'A lead is a whole number of minutes from 0 to 1440.';
  return null;
}

/** §5's figures per platform and region, in the engine's order. */
export function metricIds(platform: string, region: string): string[] {
  if (platform === 'tiktok') {
    return [
      'response_rate_24h',
      ...(region === 'US' ? ['weekly_response_rate_24h'] : ['response_rate_12h']),
      'avg_response_time', 'satisfaction_rate', 'im_dissatisfaction_rate', 'sessions_today',
    ];
  }
  if (platform === 'shopee') return ['chat_response_rate', 'first_response_time', 'avg_response_time', 'sessions_today'];
  return ['chat_response_rate', 'response_rate_10min', 'chat_response_time', 'chat_order_conversion_rate', 'sessions_today'];
}

export const METRIC_LABELS: Record<string, string> = {
  response_rate_24h: 'Response rate (24 h)',
  response_rate_12h: 'Response rate (12 h)',
  weekly_response_rate_24h: 'Weekly response rate (24 h)',
  avg_response_time: 'Average response time',
  satisfaction_rate: 'Satisfaction rate',
  im_dissatisfaction_rate: 'IM dissatisfaction rate',
  chat_response_rate: 'Chat response rate',
  first_response_time: 'First response time',
  response_rate_10min: 'Response rate (10 min)',
  chat_response_time: 'Chat response time',
  chat_order_conversion_rate: 'Chat order conversion',
  sessions_today: 'Sessions today',
};

/**
 * §2: what holiday mode does to each of the shop's figures. Every platform leaves out the
 * buyer messages received while it is on: they open no inquiry and get no deadline.
 */
export function holidayEffects(platform: string, region: string): { metric: string; effect: string }[] {
  const leftOut = 'Messages received while it is on open no inquiry: they are in neither numerator nor denominator, counted under “excluded: holiday mode”.';
  const effect: Record<string, string> = {
    response_rate_24h: `${leftOut} A session whose messages all came in holiday mode does not count.`,
    response_rate_12h: `${leftOut} A session whose messages all came in holiday mode does not count.`,
    weekly_response_rate_24h: `${leftOut} Fewer than 5 counted messages in the week leaves Tuesday’s evaluation unrated.`,
    avg_response_time: 'No response time is measured for messages left out; inquiries opened before it keep theirs.',
    first_response_time: 'No response time is measured for messages left out; inquiries opened before it keep theirs.',
    chat_response_time: 'No response time is measured for messages left out; inquiries opened before it keep theirs.',
    satisfaction_rate: 'Unchanged: ratings buyers give are counted as given.',
    im_dissatisfaction_rate: 'Unchanged: ratings buyers give are counted as given.',
    chat_response_rate: platform === 'shopee'
      ? `${leftOut} Below 2 counted inquiries in 30 days the rate is not rated.`
      : `${leftOut} Also true of official public holidays, left out whole.`,
    response_rate_10min: leftOut,
    chat_order_conversion_rate: 'Only conversations with an agent reply count; messages left out need none.',
    sessions_today: 'Unchanged: conversations are still assigned to agents.',
  };
  return metricIds(platform, region).map((metric) => ({ metric, effect: effect[metric] ?? leftOut }));
}

/** §4: weekend coverage moves deadlines on TikTok Shop only. */
export function coverageNote(platform: string): string {
  return platform === 'tiktok'
    ? 'While on, an inquiry opened Saturday 00:00 to Sunday 23:59 local is due Monday 12:00 local (or at its ordinary deadline if later), for the 12 h and 24 h clocks alike.'
    : 'Weekend coverage moves deadlines on TikTok Shop only; on this platform weekends are ordinary days.';
}

/** The error an IPC call rejected with, as text for an inline message. */
export function errorText(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** A rule id from its name: lower case, dashes. */
export function ruleId(name: string, taken: string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'rule';
  let id = base;
  for (let i = 2; taken.includes(id); i++) id = `${base}-${i}`;
  return id;
}

/** Moves the item at `index` by `by` places, for ordering rules; out-of-range moves do nothing. */
export function moved<T>(list: T[], index: number, by: number): T[] {
  const to = index + by;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list.slice();
  const out = list.slice();
  const [x] = out.splice(index, 1);
  out.splice(to, 0, x);
  return out;
}

/** A region's usual shop time zone, to prefill the connect form. */
export const REGION_ZONES: Record<string, string> = {
  MY: 'Asia/Kuala_Lumpur', PH: 'Asia/Manila', ID: 'Asia/Jakarta', TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh', SG: 'Asia/Singapore', US: 'America/Los_Angeles',
};

/** What the connect form still needs, or null when it can be sent. */
export function connectFormError(f: { platform: string; zone: string; app_key: string; app_secret: string; api_base: string }): string | null {
  if (!f.app_key.trim()) return f.platform === 'shopee' ? 'Give the partner id.' : 'Give the app key.';
  if (f.platform === 'shopee' && !/^\d+$/.test(f.app_key.trim())) return "Shopee's partner id is a number.";
  if (!f.app_secret.trim()) return f.platform === 'shopee' ? 'Give the partner key.' : 'Give the app secret.';
  const z = zoneError(f.zone);
  if (z) return z;
  if (f.api_base.trim() && !/^https?:\/\/\S+$/.test(f.api_base.trim())) return 'The API base is an http(s) address.';
  return null;
}
