// The Settings and Metrics commands over fixture data, layered on mock-ipc.js (loaded after
// it as a second init script): it wraps the mocked invoke and answers these commands the way
// src-tauri/src/settings.rs and metrics.rs do, refusing what the store refuses.
(() => {
  const inner = window.__TAURI_INTERNALS__.invoke;
  const state = window.__mock;
  const H = 3600_000;
  const NOW = Date.UTC(2026, 6, 20, 4, 0, 0);
  const DAY = 24 * H;
  const view = (shop, name, platform, region, tz, leads) => ({
    shop, name, platform, region, tz, holiday_mode: false, holiday_since: null, weekend_coverage: false,
    hours: [{ day: 'mon', open: '09:00', close: '18:00' }], leads, automation_counts_as_reply: false, secrets: [],
  });
  const shops = [
    view('tt-my', 'Kedai Batik TikTok', 'tiktok', 'MY', 'Asia/Kuala_Lumpur', [{ policy: 'tiktok.12h', minutes: 120, default_minutes: 120 }, { policy: 'tiktok.24h', minutes: 240, default_minutes: 240 }]),
    view('sp-ph', 'Manila Gadgets', 'shopee', 'PH', 'Asia/Manila', [{ policy: 'shopee.12h', minutes: 120, default_minutes: 120 }]),
    view('lz-my', 'Rumah Hijab Lazada', 'lazada', 'MY', 'Asia/Kuala_Lumpur', [{ policy: 'lazada.same_day', minutes: 120, default_minutes: 120 }]),
  ];
  const writes = [];
  state.settingsWrites = writes;
  const bad = (message) => { throw { kind: 'invalid', message }; };
  const find = (id) => shops.find((s) => s.shop === id) ?? bad(`no shop \`${id}\` in the store`);
  const hhmm = (s) => /^(\d{2}):(\d{2})$/.test(s) && Number(s.slice(0, 2)) * 60 + Number(s.slice(3)) <= 1440;
  let rules = [
    { id: 'weekend', name: 'Weekend bot', priority: 10, enabled: true, shops: [], trigger: 'first_message', keywords: [], intent: null, kinds: [], schedule: 'weekends', reply: 'Hi {buyer_name}, we reply on Monday.', sender: 'bot' },
    { id: 'track', name: 'Tracking', priority: 20, enabled: true, shops: ['tt-my'], trigger: 'keywords', keywords: ['parcel'], intent: null, kinds: [], schedule: 'always', reply: 'Track it in the app.', sender: 'bot' },
  ];
  const fig = (id, value, n, d, status) => ({ id, value, numerator: n, denominator: d, pending: 0, excluded: [], status, unit: 'rate', target: 0.9, penalty_risk: null, automation_counts_as_reply: null });
  const days = (rates) => rates.map((r, i) => ({
    date: `2026-07-${String(14 + i).padStart(2, '0')}`, from: NOW - (rates.length - i) * DAY, at: NOW - (rates.length - 1 - i) * DAY,
    figures: [{ ...fig('response_rate_12h', r, Math.round(r * 20), 20, r >= 0.9 ? 'good' : 'bad'), pending: 5 }, fig('response_rate_24h', 1, 20, 20, 'good')],
    opened: 5, in_time: 3, late: 1, missed: 1, excluded: 0, pending: 0,
  }));
  const handlers = {
    settings_info: () => ({ demo: true, data_file: '/home/seller/.local/share/kedai/demo.db', secrets_store: 'the OS keyring (service `kedai`)', shops }),
    set_holiday_mode: ({ shop, on }) => { const s = find(shop); writes.push(['holiday', shop, on]); s.holiday_mode = on; s.holiday_since = on ? NOW : null; return s; },
    set_weekend_coverage: ({ shop, on }) => { const s = find(shop); writes.push(['coverage', shop, on]); s.weekend_coverage = on; return s; },
    set_operating_hours: ({ shop, hours }) => {
      const s = find(shop);
      for (const h of hours) if (!hhmm(h.open) || !hhmm(h.close) || h.close <= h.open) bad(`hours for ${h.day}: ${h.open}-${h.close} does not end after it starts`);
      writes.push(['hours', shop, hours]);
      s.hours = hours;
      return s;
    },
    set_shop_profile: ({ shop, region, tz, name }) => {
      const s = find(shop);
      if (!['Asia/Kuala_Lumpur', 'Asia/Manila', 'Asia/Bangkok'].includes(tz)) bad(`\`${tz}\` is not an IANA time zone`);
      writes.push(['profile', shop, region, tz]);
      Object.assign(s, { region, tz, name });
      return s;
    },
    set_shop_setting: ({ shop, key, value }) => { const s = find(shop); writes.push(['setting', shop, key, value]); s.leads = s.leads.map((l) => (`lead.${l.policy}` === key ? { ...l, minutes: Number(value) } : l)); return s; },
    set_shop_secrets: ({ shop, values }) => {
      const s = find(shop);
      for (const k of Object.keys(values)) if (!['app_secret', 'partner_key', 'access_token', 'refresh_token'].includes(k)) bad(`unknown secret \`${k}\``);
      writes.push(['secrets', shop, Object.keys(values)]);
      const kept = new Set(s.secrets);
      for (const [k, v] of Object.entries(values)) if (v) kept.add(k); else kept.delete(k);
      s.secrets = [...kept].sort();
      return s.secrets;
    },
    backup_data: ({ path }) => { if (path.endsWith('demo.db')) bad(`backup: ${path} already exists; choose a new file`); writes.push(['backup', path]); return path; },
    export_event_log: ({ path }) => { writes.push(['export', path]); return path; },
    rules: () => rules,
    save_rule: ({ rule }) => {
      if (!rule.reply.trim()) bad(`rule \`${rule.id}\`: the reply is empty`);
      writes.push(['rule', rule.id]);
      rules = [...rules.filter((r) => r.id !== rule.id), rule].sort((a, b) => a.priority - b.priority);
      return rules;
    },
    delete_rule: ({ id }) => { rules = rules.filter((r) => r.id !== id); return rules; },
    order_rules: ({ ids }) => { rules = rules.map((r) => ({ ...r, priority: 10 * (ids.indexOf(r.id) + 1) })).sort((a, b) => a.priority - b.priority); writes.push(['order', ids]); return rules; },
    test_rules: ({ shop, text }) => {
      const r = rules.find((x) => x.enabled && x.trigger === 'keywords' && (!x.shops.length || x.shops.includes(shop)) && x.keywords.some((k) => text.includes(k)));
      return { rule: r?.id ?? null, no_fire: r ? null : 'no_rule_matched', reply: r?.reply ?? null, sender: r ? 'bot' : null,
        effect: { platform: 'tiktok', counts_as_reply: false, resolves_unless_buyer_writes_again: true, weekend_coverage: true, note: 'TikTok Shop: the automated answer resolves the inquiry (§3)' },
        deadline: NOW + 12 * H, policy: 'tiktok.12h', weekend_moved: false, excluded: null, if_nothing_more: 'resolved by automation', if_buyer_writes_again: 'missed' };
    },
    rule_effects: () => ['tiktok', 'shopee', 'lazada'].map((p) => ({ platform: p, counts_as_reply: false, resolves_unless_buyer_writes_again: p === 'tiktok', weekend_coverage: p === 'tiktok', note: `${p} note` })),
    quick_replies: () => [{ id: 'thanks', title: 'Thanks', text: 'Thank you {buyer_name}!' }],
    save_quick_reply: ({ template }) => { writes.push(['template', template.id]); return null; },
    word_lists: () => ({ edits: [{ intent: 'logistics', lang: 'ms', weight: 2, phrase: 'bila sampai', removed: false }], disabled: [] }),
    edit_word: ({ word }) => { writes.push(['word', word.phrase, word.removed]); return null; },
    set_intent_enabled: () => null,
    guard_levels: () => [{ rule: 'phone_number', explain: 'phone numbers are contact information outside the chat', block: false }],
    set_guard_level: ({ rule, block }) => { writes.push(['guard', rule, block]); return null; },
    metrics_review: ({ from, to }) => ({
      now: NOW, from, to,
      shops: [
        { shop: 'tt-my', name: 'Kedai Batik TikTok', platform: 'tiktok', region: 'MY', tz: 'Asia/Kuala_Lumpur',
          days: days([0.95, 0.9, 0.8, 0.85, 0.9, 1, 0.7]),
          weeks: days([0.88, 0.91]).map((p, i) => ({ ...p, date: i ? '2026-07-20' : '2026-07-13' })),
          evaluation: { at: NOW + 1 * DAY, week_from: NOW - 6 * DAY, week_to: NOW + 2 * H, figures: [fig('response_rate_24h', 0.875, 7, 8, 'warning')], current: [fig('response_rate_24h', 0.9, 9, 10, 'good')], open_now: 2 },
          misses: [{ conversation: 'c0', buyer: 'buyer-0', opened_at: NOW - 30 * H, deadline: NOW - 18 * H, policy: 'tiktok.12h', reason: 'missed', answered_at: null }],
          misses_total: 1 },
        { shop: 'sp-ph', name: 'Manila Gadgets', platform: 'shopee', region: 'PH', tz: 'Asia/Manila',
          days: [], weeks: [], evaluation: null,
          misses: [{ conversation: 'c1', buyer: 'buyer-1', opened_at: NOW - 30 * H, deadline: NOW - 18 * H, policy: 'shopee.12h', reason: 'holiday_mode', answered_at: null }],
          misses_total: 1 },
      ],
    }),
    export_metrics_csv: ({ path }) => { writes.push(['csv', path]); return path; },
    // The "Save as" dialog: the seller picks a file next to the suggested one.
    choose_save_path: ({ suggested, extension }) => { writes.push(['choose', suggested]); return `/home/seller/Documents/picked.${extension}`; },
  };
  window.__TAURI_INTERNALS__.invoke = async (cmd, args) => {
    const h = handlers[cmd];
    if (!h) return inner(cmd, args);
    state.calls.push(cmd);
    return JSON.parse(JSON.stringify(h(args || {})));
  };
})();
